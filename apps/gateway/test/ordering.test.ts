import type { NewMessage } from '@campzone/protocol';
import { closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 3);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

test('three senders on three pods: every member gets every message once and history is strictly ordered', async () => {
  const senders = ['s0', 's1', 's2'];
  const listeners = ['l0', 'l1', 'l2'];
  await createRoom(cluster.url(0), 's0', 'race', [...senders, ...listeners]);
  const sendSockets = await Promise.all(senders.map((u, i) => connectAs(cluster.url(i), u)));
  const listenSockets = await Promise.all(listeners.map((u, i) => connectAs(cluster.url(i), u)));
  const inboxes = listenSockets.map((s) => record(s, 'new_message'));

  const perSender = 50;
  const acks = await Promise.all(
    sendSockets.flatMap((socket, s) =>
      Array.from({ length: perSender }, (_, i) => socket.emitWithAck('send_message', sendArgs('race', `s${s}-m${i}`, i))),
    ),
  );
  expect(acks.every((a) => a.ok)).toBe(true);
  const total = senders.length * perSender;
  await eventually(() => inboxes.every((inbox) => inbox.length >= total), 'every listener receiving every message');

  for (const inbox of inboxes) {
    expect(inbox).toHaveLength(total);
    expect(new Set(inbox.map((m: NewMessage) => m.messageId)).size).toBe(total);
  }

  const db = await cluster.db();
  const history = await db.collection('messages').find({ roomId: 'race' }).sort({ lamportTimestamp: 1, createdAt: 1 }).toArray();
  expect(history).toHaveLength(total);
  history.forEach((m, i) => {
    expect(m.seq).toBe(i + 1);
    if (i > 0) expect(m.lamportTimestamp).toBeGreaterThan(history[i - 1]!.lamportTimestamp);
  });
});
