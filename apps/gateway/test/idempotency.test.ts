import { closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

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
  expect(await db.collection('messages').countDocuments({ roomId: 'twice' })).toBe(1);

  // A later message proves the broadcast channel is flushed; the repeat never broadcast.
  await viaA.emitWithAck('send_message', sendArgs('twice', 'marker'));
  await eventually(() => broadcasts.some((m) => m.content === 'marker'), 'the marker broadcast');
  expect(broadcasts.filter((m) => m.messageId === a.messageId)).toHaveLength(1);
});

test('a retry after the first pod restarted is answered as a duplicate with the original id', async () => {
  await createRoom(cluster.url(0), 'rex', 'restart', []);
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
});

test('a retry whose first attempt never reached MongoDB is stored under the allocation it was given', async () => {
  await createRoom(cluster.url(0), 'lou', 'takeover', []);
  const lou = await connectAs(cluster.url(1), 'lou');
  const db = await cluster.db();
  const args = sendArgs('takeover', 'lost then retried', 1, 'lou-1700000000000-0.1');
  const first = await lou.emitWithAck('send_message', args);
  if (!first.ok) throw new Error(first.error.message);
  // As if the pod died after the Lua allocation but before the insert.
  await db.collection('messages').deleteOne({ roomId: 'takeover' });
  const retry = await lou.emitWithAck('send_message', args);
  expect(retry).toMatchObject({ ok: true, messageId: first.messageId, seq: first.seq, duplicate: false });
  expect(await db.collection('messages').countDocuments({ roomId: 'takeover' })).toBe(1);
});

test('reusing a key for another room is refused and stores nothing', async () => {
  await createRoom(cluster.url(0), 'kim', 'room-one', []);
  await createRoom(cluster.url(0), 'kim', 'room-two', []);
  const kim = await connectAs(cluster.url(0), 'kim');
  await kim.emitWithAck('send_message', sendArgs('room-one', 'first', 0, 'kim-shared-key'));
  const reuse = await kim.emitWithAck('send_message', sendArgs('room-two', 'second', 0, 'kim-shared-key'));
  expect(reuse).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({ roomId: 'room-two' })).toBe(0);
});
