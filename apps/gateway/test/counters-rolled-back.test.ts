import { RedisKeys } from '@campzone/realtime';
import { closeAllClients, connectAs, createRoom, sendArgs } from './harness/chat-clients';
import { connectTestRedis, GatewayCluster } from './harness/gateway-cluster';

// A Redis failover promotes a replica that may lack the last increments: a room's counters are
// then present but lower than what MongoDB holds. No seq may be handed out twice.

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

test('counters rolled back below the stored messages give the next send a seq past them, and store no seq twice', async () => {
  await createRoom(cluster.url(0), 'ria', 'rolled', []);
  const ria = await connectAs(cluster.url(0), 'ria');
  for (let i = 1; i <= 3; i++) {
    const ack = await ria.emitWithAck('send_message', sendArgs('rolled', `before ${i}`, i));
    if (!ack.ok) throw new Error(ack.error.message);
  }
  const redis = await connectTestRedis();
  try {
    // What the promoted replica holds: the counters as they stood after the first message.
    await redis.hSet(new RedisKeys(cluster.ns.prefix).roomCounters('rolled'), { seq: '1', lamport: '1' });
  } finally {
    await redis.quit();
  }
  const after = await ria.emitWithAck('send_message', sendArgs('rolled', 'after the failover', 4));
  expect(after).toMatchObject({ ok: true, seq: 4 });
  const db = await cluster.db();
  const seqs = (
    await db
      .collection('messages')
      .find({ roomId: 'rolled', hole: { $exists: false } })
      .toArray()
  ).map((m) => m.seq);
  expect(seqs.sort()).toEqual([1, 2, 3, 4]);
});
