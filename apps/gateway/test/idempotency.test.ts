import type { ChatMessage } from '@campzone/protocol';
import { LuaRunner, MessageCounters, RedisKeys } from '@campzone/realtime';
import { ObjectId } from '@campzone/store';
import { type ClientSocket, closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { connectTestRedis, GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

test('the same key through two pods at once gives one document, one broadcast and one messageId', async () => {
  await createRoom(cluster.url(0), 'ida', 'twice', ['obs']);
  const viaA = await connectAs(cluster.url(0), 'ida');
  const viaB = await connectAs(cluster.url(1), 'ida');
  const observer = await connectAs(cluster.url(1), 'obs');
  const broadcasts = record(observer, 'new_message');
  const args = sendArgs('twice', 'only once', 1, 'ida-1700000000000-0.42');

  const [a, b] = await Promise.all([viaA.emitWithAck('send_message', args), viaB.emitWithAck('send_message', args)]);
  if (!a.ok || !b.ok) throw new Error('both sends should be acknowledged');
  expect(a.messageId).toBe(b.messageId);
  expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
  const db = await cluster.db();
  // The repeat may have found the first still in flight and tried a fresh seq: that seq is a hole.
  expect(await db.collection('messages').countDocuments({ roomId: 'twice', hole: { $exists: false } })).toBe(1);

  // A later message proves the broadcast channel is flushed; the repeat never broadcast.
  await viaA.emitWithAck('send_message', sendArgs('twice', 'marker'));
  await eventually(() => broadcasts.some((m) => m.content === 'marker'), 'the marker broadcast');
  expect(broadcasts.filter((m) => m.messageId === a.messageId)).toHaveLength(1);
});

test('a retry after the first pod restarted is answered as a duplicate with the original id, and members hold it once', async () => {
  await createRoom(cluster.url(0), 'rex', 'restart', ['sid']);
  const sid = await connectAs(cluster.url(1), 'sid');
  const toSid = record(sid, 'new_message');
  const before = await connectAs(cluster.url(0), 'rex');
  const args = sendArgs('restart', 'survives restarts', 1, 'rex-1700000000000-0.9');
  const first = await before.emitWithAck('send_message', args);
  if (!first.ok) throw new Error(first.error.message);
  await cluster.restartPod(0);
  const after = await connectAs(cluster.url(0), 'rex');
  const retry = await after.emitWithAck('send_message', args);
  expect(retry).toMatchObject({ ok: true, messageId: first.messageId, seq: first.seq, duplicate: true });
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({ roomId: 'restart' })).toBe(1);
  // The member got the first attempt's broadcast, and the repeat did not broadcast again (a
  // marker sent after it proves the channel is flushed). A repeat whose message was never
  // broadcast is tracked instead: apps/worker/test/unbroadcast-duplicate.test.ts.
  await after.emitWithAck('send_message', sendArgs('restart', 'marker'));
  await eventually(() => toSid.some((m) => m.content === 'marker'), 'the marker broadcast');
  expect(toSid.filter((m) => m.messageId === first.messageId)).toHaveLength(1);
});

/** Allocates a seq for a send the way the first attempt's pod would, and stores nothing (its pod died). */
async function allocateOnly(roomId: string, senderId: string, idempotencyKey: string): Promise<{ messageId: string; seq: number }> {
  const redis = await connectTestRedis();
  try {
    const counters = new MessageCounters(LuaRunner.for(redis), new RedisKeys(cluster.ns.prefix));
    const messageId = new ObjectId().toHexString();
    const request = { roomId, senderId, idempotencyKey, clientLamport: 0, messageId, createdAtMs: Date.now() };
    let allocation = await counters.allocate(request);
    if (allocation.kind === 'countersMissing') {
      await counters.seed(roomId, 0, 0, 0); // a room before its first send
      allocation = await counters.allocate(request);
    }
    if (allocation.kind !== 'allocated') throw new Error(`expected a fresh allocation, got ${allocation.kind}`);
    return { messageId, seq: allocation.seq };
  } finally {
    await redis.quit();
  }
}

async function syncFrom(socket: ClientSocket, roomId: string, afterSeq: number) {
  const synced = await socket.emitWithAck('sync', { roomId, afterSeq });
  if (!synced.ok) throw new Error(synced.error.message);
  return synced;
}

test('a retry whose first allocation was never stored gets a fresh seq, and a member who skipped the old one gets it by sync', async () => {
  await createRoom(cluster.url(0), 'lou', 'takeover', ['mia']);
  const lou = await connectAs(cluster.url(1), 'lou');
  const mia = await connectAs(cluster.url(0), 'mia');
  const key = 'lou-1700000000000-0.1';
  const lost = await allocateOnly('takeover', 'lou', key);
  const later = await lou.emitWithAck('send_message', sendArgs('takeover', 'sent after the lost one'));
  if (!later.ok) throw new Error(later.error.message);
  expect(later.seq).toBe(lost.seq + 1);
  // mia's client waited out the hole at lost.seq, acked past it, and went offline.
  await mia.emitWithAck('ack', { roomId: 'takeover', seq: later.seq });
  mia.close();

  const retry = await lou.emitWithAck('send_message', sendArgs('takeover', 'lost then retried', 1, key));
  expect(retry).toMatchObject({ ok: true, messageId: lost.messageId, duplicate: false, status: 'PENDING' });
  if (!retry.ok) return;
  expect(retry.seq).toBeGreaterThan(later.seq);

  const back = await connectAs(cluster.url(1), 'mia');
  const synced = await syncFrom(back, 'takeover', later.seq);
  expect(synced.messages).toEqual([
    expect.objectContaining({ messageId: lost.messageId, seq: retry.seq, content: 'lost then retried', status: 'PENDING' }),
  ]);
  // The given-up seq is named a hole, so a client catching up from before it does not wait.
  const fromStart = await syncFrom(back, 'takeover', 0);
  expect(fromStart.holes).toEqual([lost.seq]);
  expect(fromStart.messages.map((m: ChatMessage) => m.seq)).toEqual([later.seq, retry.seq]);
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({ roomId: 'takeover', hole: { $exists: false } })).toBe(2);

  // Retried again, it is the same message.
  const again = await lou.emitWithAck('send_message', sendArgs('takeover', 'lost then retried', 1, key));
  expect(again).toMatchObject({ ok: true, messageId: lost.messageId, seq: retry.seq, duplicate: true });
});

test('a first attempt that lands after its retry took a fresh seq is refused, and one copy is kept', async () => {
  await createRoom(cluster.url(0), 'ned', 'late-first', []);
  const ned = await connectAs(cluster.url(0), 'ned');
  const key = 'ned-1700000000000-0.5';
  const lost = await allocateOnly('late-first', 'ned', key);
  const retry = await ned.emitWithAck('send_message', sendArgs('late-first', 'retried first', 0, key));
  if (!retry.ok) throw new Error(retry.error.message);
  // The first attempt's insert, arriving late, takes the slot of its own seq: the hole holds it.
  const db = await cluster.db();
  await expect(
    db.collection('messages').insertOne({
      _id: new ObjectId(lost.messageId),
      roomId: 'late-first',
      senderId: 'ned',
      content: 'retried first',
      lamportTimestamp: 1,
      seq: lost.seq,
      idempotencyKey: key,
      status: 'PENDING',
      messageType: 'text',
      createdAt: new Date(),
    }),
  ).rejects.toMatchObject({ code: 11000 });
  expect(await db.collection('messages').countDocuments({ roomId: 'late-first', hole: { $exists: false } })).toBe(1);
});

test('reusing a key for another room is refused and stores nothing', async () => {
  await createRoom(cluster.url(0), 'kim', 'room-one', []);
  await createRoom(cluster.url(0), 'kim', 'room-two', []);
  const kim = await connectAs(cluster.url(0), 'kim');
  await kim.emitWithAck('send_message', sendArgs('room-one', 'first', 0, 'kim-shared-key'));
  const reuse = await kim.emitWithAck('send_message', sendArgs('room-two', 'second', 0, 'kim-shared-key'));
  expect(reuse).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({ roomId: 'room-two', hole: { $exists: false } })).toBe(0);
  // The seq the refused send was given is a hole a syncing member moves past at once.
  const synced = await syncFrom(kim, 'room-two', 0);
  expect(synced).toMatchObject({ messages: [], holes: [1], latestSeq: 1 });
  const next = await kim.emitWithAck('send_message', sendArgs('room-two', 'next'));
  expect(next).toMatchObject({ ok: true, seq: 2 });
});

test('a repeat that only MongoDB recognises (Redis forgot the key) is answered as a duplicate and leaves a hole, not a gap', async () => {
  await createRoom(cluster.url(0), 'ola', 'forgotten', []);
  const ola = await connectAs(cluster.url(0), 'ola');
  const args = sendArgs('forgotten', 'said once', 0, 'ola-1700000000000-0.3');
  const first = await ola.emitWithAck('send_message', args);
  if (!first.ok) throw new Error(first.error.message);
  const redis = await connectTestRedis();
  await redis.del(new RedisKeys(cluster.ns.prefix).idempotency('forgotten', 'ola', args.idempotencyKey));
  await redis.quit();

  const repeat = await ola.emitWithAck('send_message', args);
  expect(repeat).toMatchObject({ ok: true, messageId: first.messageId, seq: first.seq, duplicate: true });
  const synced = await syncFrom(ola, 'forgotten', 0);
  expect(synced.messages.map((m: ChatMessage) => m.messageId)).toEqual([first.messageId]);
  expect(synced.holes).toEqual([first.seq + 1]);
});

test('repeats of a key still in flight on the same pod join it: one insert, no seq given up, the same ack marked duplicate', async () => {
  await createRoom(cluster.url(0), 'jon', 'joined', ['kim']);
  const jon = await connectAs(cluster.url(0), 'jon');
  const args = sendArgs('joined', 'sent once, asked four times', 1, 'jon-1700000000000-0.5');
  const replies = await Promise.all([1, 2, 3, 4].map(() => jon.emitWithAck('send_message', args)));
  for (const r of replies) if (!r.ok) throw new Error(r.error.message);
  const acks = replies as Array<{ messageId: string; seq: number; duplicate: boolean }>;
  expect(new Set(acks.map((a) => `${a.messageId} ${a.seq}`)).size).toBe(1);
  expect(acks.map((a) => a.duplicate).sort()).toEqual([false, true, true, true]);
  const db = await cluster.db();
  // Without joining, each repeat finds the key taken in Redis while nothing is stored yet, and
  // gives up a fresh seq as a hole.
  expect(await db.collection('messages').countDocuments({ roomId: 'joined' })).toBe(1);
});
