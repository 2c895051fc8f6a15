import { closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

test('a client timestamp of 5000 gives a server timestamp above 5000', async () => {
  await createRoom(cluster.url(0), 'uma', 'clock-high', []);
  const uma = await connectAs(cluster.url(0), 'uma');
  const ack = await uma.emitWithAck('send_message', sendArgs('clock-high', 'from the future', 5000));
  expect(ack).toMatchObject({ ok: true, lamportTimestamp: 5001 });
  const next = await uma.emitWithAck('send_message', sendArgs('clock-high', 'from the past', 3));
  expect(next).toMatchObject({ ok: true, lamportTimestamp: 5002, seq: 2 });
});

test('a message sent after seeing message X, in another room, gets a higher timestamp than X', async () => {
  await createRoom(cluster.url(0), 'val', 'busy-room', ['wes']);
  await createRoom(cluster.url(0), 'wes', 'quiet-room', []);
  const val = await connectAs(cluster.url(0), 'val');
  const wes = await connectAs(cluster.url(1), 'wes');
  const seen = record(wes, 'new_message');
  const x = await val.emitWithAck('send_message', sendArgs('busy-room', 'X', 900));
  if (!x.ok) throw new Error(x.error.message);
  await eventually(() => seen.length === 1, 'wes seeing X');
  // Wes's client applies the Lamport rule: its clock is max(local, seen) before it sends.
  const wesClock = Math.max(0, seen[0]!.lamportTimestamp) + 1;
  const reply = await wes.emitWithAck('send_message', sendArgs('quiet-room', 'after X', wesClock));
  if (!reply.ok) throw new Error(reply.error.message);
  expect(reply.lamportTimestamp).toBeGreaterThan(x.lamportTimestamp);
});
