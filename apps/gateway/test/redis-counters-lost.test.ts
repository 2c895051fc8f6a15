import { closeAllClients, connectAs, createRoom, sendArgs } from './harness/chat-clients';
import { forgetKeysUnder, GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

test('after Redis loses every key the next message gets a seq and lamport above every earlier one', async () => {
  await createRoom(cluster.url(0), 'ray', 'amnesia', []);
  const ray = await connectAs(cluster.url(0), 'ray');
  let highest = { seq: 0, lamport: 0 };
  for (let i = 0; i < 5; i++) {
    const ack = await ray.emitWithAck('send_message', sendArgs('amnesia', `before ${i}`, 40));
    if (!ack.ok) throw new Error(ack.error.message);
    highest = { seq: ack.seq, lamport: ack.lamportTimestamp };
  }

  expect(await forgetKeysUnder(cluster.ns.prefix)).toBeGreaterThan(0);

  const through = await connectAs(cluster.url(1), 'ray');
  const after = await through.emitWithAck('send_message', sendArgs('amnesia', 'after the loss', 0));
  expect(after).toMatchObject({ ok: true, seq: highest.seq + 1 });
  if (!after.ok) return;
  expect(after.lamportTimestamp).toBeGreaterThan(highest.lamport);
  const db = await cluster.db();
  const seqs = (await db.collection('messages').find({ roomId: 'amnesia' }).sort({ seq: 1 }).toArray()).map((m) => m.seq);
  expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
});
