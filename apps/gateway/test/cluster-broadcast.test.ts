import { closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 3);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

test('a message sent through one pod reaches members on the other two with every seed field', async () => {
  await createRoom(cluster.url(0), 'ana', 'broadcast', ['ben', 'cy']);
  const ana = await connectAs(cluster.url(0), 'ana');
  const ben = await connectAs(cluster.url(1), 'ben');
  const cy = await connectAs(cluster.url(2), 'cy');
  const atBen = record(ben, 'new_message');
  const atCy = record(cy, 'new_message');

  const ack = await ana.emitWithAck('send_message', sendArgs('broadcast', 'hello campus', 7));
  if (!ack.ok) throw new Error(ack.error.message);
  await eventually(() => atBen.length === 1 && atCy.length === 1, 'new_message on both other pods');

  for (const received of [atBen[0], atCy[0]]) {
    expect(received).toEqual({
      messageId: ack.messageId,
      roomId: 'broadcast',
      senderId: 'ana',
      content: 'hello campus',
      messageType: 'text',
      lamportTimestamp: 8,
      seq: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      status: 'PENDING',
      rev: 1,
    });
  }
});

test('the sender also gets message_sent with the ack fields after the store', async () => {
  await createRoom(cluster.url(0), 'dee', 'acked', []);
  const dee = await connectAs(cluster.url(2), 'dee');
  const sent = record(dee, 'message_sent');
  const args = sendArgs('acked', 'stored first');
  const ack = await dee.emitWithAck('send_message', args);
  expect(ack).toMatchObject({ ok: true, idempotencyKey: args.idempotencyKey, status: 'PENDING', seq: 1, duplicate: false });
  await eventually(() => sent.length === 1, 'message_sent');
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({ roomId: 'acked' })).toBe(1);
});

test('members are subscribed to their rooms on connect and to new rooms as they are added', async () => {
  const eve = await connectAs(cluster.url(1), 'eve');
  const inbox = record(eve, 'new_message');
  await createRoom(cluster.url(0), 'fay', 'added-later', ['eve']);
  const fay = await connectAs(cluster.url(0), 'fay');
  await eventually(async () => {
    const ack = await fay.emitWithAck('send_message', sendArgs('added-later', 'ping'));
    return ack.ok && inbox.length > 0;
  }, 'eve receiving a room she was added to while connected');
});
