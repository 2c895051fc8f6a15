import { QueueName } from '@campzone/queue';
import type { Queue } from 'bullmq';
import {
  ackEverything,
  type ClientSocket,
  closeAllClients,
  connectAs,
  createRoom,
  eventually,
  record,
  send,
  statusesSeenBy,
  tokenFor,
} from './harness/chat-clients';
import { metricValue, Stack } from './harness/stack';

// Both apps run with MONGO_COMMAND_CHECKS=true: every MongoDB command they send is checked
// (a room-data filter without roomId is counted) and every write is counted by collection.

const ROOMS = 2;
const MEMBERS = 10;
const PER_ROOM = 100;
/**
 * Messages per second per room while counting: about the bench's per-room rate at half the
 * cluster's maximum. Floors (one write per room per rollup) and cursor copies (about one per
 * room per flush) cost more per message in a quieter room, so a busier one passes easily.
 */
const RATE_PER_ROOM = 5;

let stack: Stack;
let delivery: Queue;
let env: Record<string, string>;
const workerEnv = { DELIVERY_ACK_TIMEOUT_MS: '500' };
beforeAll(async () => {
  // Production's rollup delay and cursor flush; retries 1 s apart so the silent member's path ends soon.
  env = { MONGO_COMMAND_CHECKS: 'true', ROLLUP_DELAY_MS: '1000', DELIVERY_RETRY_DELAYS_MS: '1000,1000,1000' };
  // The sweep at its production interval while counting: each sweep is two statements (that
  // usually match nothing), which at the tests' 1 s would count as writes of these messages.
  stack = await Stack.start(__filename, { gatewayEnv: env, workerEnv: { ...env, ...workerEnv, SWEEP_INTERVAL_MS: '60000' } });
  delivery = stack.queue(QueueName.delivery);
});
afterAll(async () => {
  closeAllClients();
  await delivery?.close();
  await stack?.stop();
});

const pods = () => [stack.gatewayUrl, ...stack.workers.map((w) => w.url)];

/** A MONGO_COMMAND_CHECKS counter of the gateway and the worker together, by collection. */
async function countsByCollection(kind: 'writes' | 'reads'): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const pattern = new RegExp(`^campzone_(?:gateway|worker)_store_${kind}_total\\{collection="([^"]+)",[a-z]+="[^"]+"\\} (\\S+)$`);
  for (const url of pods()) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const line of text.split('\n')) {
      const m = pattern.exec(line);
      if (m) totals.set(m[1]!, (totals.get(m[1]!) ?? 0) + Number(m[2]));
    }
  }
  return totals;
}

/** Documents written (inserted documents, update and delete statements). */
const writesByCollection = () => countsByCollection('writes');

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function violations(): Promise<number> {
  let total = await metricValue(stack.gatewayUrl, 'campzone_gateway_room_filter_violations_total');
  for (const worker of stack.workers) total += await metricValue(worker.url, 'campzone_worker_room_filter_violations_total');
  return total;
}

async function scheduleFinished(): Promise<boolean> {
  const counts = await delivery.getJobCounts('wait', 'delayed', 'active');
  return (counts.wait ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0) === 0;
}

test(`at fan-out ${MEMBERS} with no failures, the gateway and the worker write at most 1.5 documents per message`, async () => {
  const rooms = Array.from({ length: ROOMS }, (_, r) => `count-${r}`);
  const members = (r: number) => Array.from({ length: MEMBERS }, (_, i) => `r${r}u${i}`);
  const sockets: ClientSocket[][] = [];
  for (const [r, roomId] of rooms.entries()) {
    const [admin, ...others] = members(r);
    await createRoom(stack.gatewayUrl, admin!, roomId, others);
    const joined = await Promise.all(members(r).map((u) => connectAs(stack.gatewayUrl, u)));
    for (const s of joined) ackEverything(s);
    sockets.push(joined);
  }
  // Presence mirrors of the connects are flushed once a second: let them land before counting.
  let settling = new Map<string, number>();
  await eventually(async () => {
    const first = await writesByCollection();
    await new Promise((r) => setTimeout(r, 1500));
    settling = await writesByCollection();
    return sum(settling) === sum(first);
  }, 'set-up writes to settle').catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(Object.fromEntries(settling))}`);
  });
  const before = await writesByCollection();
  const readsBefore = await countsByCollection('reads');

  // Senders take turns; sends are paced, not awaited one by one, as a busy room's are.
  const sends: Array<Promise<unknown>> = [];
  for (let i = 0; i < PER_ROOM; i++) {
    for (const [r, roomId] of rooms.entries()) sends.push(send(sockets[r]![i % MEMBERS]!, roomId, `m${i}`));
    await new Promise((resolve) => setTimeout(resolve, 1000 / RATE_PER_ROOM));
  }
  await Promise.all(sends);
  const messages = ROOMS * PER_ROOM;

  // Everything the messages cause: checks done, floors at the top, cursor copies flushed (due
  // CURSOR_FLUSH_MS, 30 s, after a member's first ack, then a tenth of them every 3 s).
  // Watched in the store directly: a `sync` through the gateway would count as its reads.
  await eventually(scheduleFinished, 'the delivery checks to end', 60_000);
  const db = await stack.db();
  for (const roomId of rooms) {
    const [last] = await db.collection('messages').find({ roomId }).sort({ seq: -1 }).limit(1).toArray();
    await eventually(
      async () => ((await db.collection('message_status_floors').findOne({ _id: roomId as never }))?.DELIVERED ?? 0) >= last!.seq,
      `${roomId} DELIVERED floor`,
      30_000,
    );
  }
  await eventually(
    async () =>
      (await db.collection('chat_participants').countDocuments({ roomId: { $in: rooms }, deliveredSeq: { $lt: PER_ROOM - 1 } })) === 0,
    'the cursor copies to be flushed',
    90_000,
  );
  const after = await writesByCollection();
  const readsAfter = await countsByCollection('reads');
  const since = (now: Map<string, number>, then: Map<string, number>) =>
    new Map([...now].map(([c, n]) => [c, n - (then.get(c) ?? 0)] as const).filter(([, n]) => n > 0));
  const delta = since(after, before);
  const reads = since(readsAfter, readsBefore);
  const perMessage = sum(delta) / messages;
  process.stderr.write(
    `at fan-out ${MEMBERS}, ${ROOMS} rooms x ${RATE_PER_ROOM} msg/s: store writes per message ${perMessage.toFixed(3)} ${JSON.stringify(Object.fromEntries(delta))}; ` +
      `read commands per message ${(sum(reads) / messages).toFixed(3)} ${JSON.stringify(Object.fromEntries(reads))}\n`,
  );
  for (const [r, roomId] of rooms.entries()) expect(new Set(await statusesSeenBy(sockets[r]![0]!, roomId))).toEqual(new Set(['DELIVERED']));
  expect(await db.collection('message_queue_log').countDocuments({ roomId: { $in: rooms } })).toBe(0);
  expect(delta.get('messages')).toBe(messages);
  expect(perMessage).toBeLessThanOrEqual(1.5);
  expect(await violations()).toBe(0);
}, 300_000);

test('send, edit, react, pin, read, delete, history, threads, moderation, re-sends and sweeps all name the room in every room-data command', async () => {
  const url = stack.gatewayUrl;
  // A second worker sweeps every second (its start sets the schedule for both).
  await stack.addWorker({ ...env, ...workerEnv });
  await createRoom(url, 'mod', 'guarded', ['amy', 'sil']);
  const mod = await connectAs(url, 'mod');
  const amy = await connectAs(url, 'amy');
  const sil = await connectAs(url, 'sil');
  ackEverything(mod);
  ackEverything(amy);
  const toSil = record(sil, 'new_message');
  const ok = async (event: string, payload: object) => {
    const reply = await (mod as unknown as { emitWithAck(e: string, p: object): Promise<{ ok: boolean }> }).emitWithAck(event, payload);
    expect(reply).toMatchObject({ ok: true });
    return reply;
  };
  const first = await send(mod, 'guarded', 'first');
  const second = await send(amy, 'guarded', 'second');
  const reply = await mod.emitWithAck('send_message', {
    roomId: 'guarded',
    content: 'a reply',
    lamportTimestamp: 0,
    idempotencyKey: 'g-reply',
    replyTo: first.messageId,
  });
  expect(reply).toMatchObject({ ok: true });
  await send(mod, 'guarded', 'first'); // a new key, same content
  await ok('edit_message', { roomId: 'guarded', messageId: first.messageId, content: 'first, edited' });
  await ok('add_reaction', { roomId: 'guarded', messageId: first.messageId, emoji: '👍' });
  await ok('remove_reaction', { roomId: 'guarded', messageId: first.messageId, emoji: '👍' });
  await ok('pin_message', { roomId: 'guarded', messageId: first.messageId });
  await ok('mark_read', { roomId: 'guarded', messageId: second.messageId });
  await ok('get_messages', { roomId: 'guarded', limit: 10 });
  await ok('sync', { roomId: 'guarded', afterSeq: 0, afterRev: 0 });
  await ok('get_thread', { roomId: 'guarded', rootId: first.messageId });
  await ok('delete_message', { roomId: 'guarded', messageId: second.messageId });
  const auth = { authorization: `Bearer ${await tokenFor(url, 'mod')}`, 'content-type': 'application/json' };
  const rest = async (method: string, path: string, body?: object) => {
    const res = await fetch(`${url}${path}`, { method, headers: auth, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect(res.status).toBeLessThan(300);
  };
  await rest('GET', '/v1/rooms');
  await rest('GET', '/v1/rooms/guarded/messages?afterSeq=0&limit=10');
  await rest('GET', '/v1/rooms/guarded/pins');
  await rest('POST', `/v1/rooms/guarded/messages/${first.messageId}/reports`, { reason: 'test' });
  await rest('GET', '/v1/rooms/guarded/reports');
  await rest('POST', '/v1/rooms/guarded/mutes', { userId: 'amy', until: new Date(Date.now() + 60_000).toISOString() });
  await rest('PATCH', '/v1/rooms/guarded', { description: 'guarded room' });
  await rest('POST', '/v1/rooms/guarded/bans', { userId: 'zed', reason: 'test' });
  await rest('GET', '/v1/rooms/guarded/audit');
  // Sil never acks: re-sent three times, then FAILED; sweeps run every second meanwhile.
  const db = await stack.db();
  const failed = () => db.collection('message_queue_log').countDocuments({ roomId: 'guarded', status: 'FAILED' });
  await eventually(async () => (await failed()) === 4, 'the four messages to fail at the silent member', 30_000);
  await eventually(scheduleFinished, 'the delivery checks to end', 30_000);
  expect(toSil.length).toBe(4 * 4);
  expect(await violations()).toBe(0);
}, 120_000);
