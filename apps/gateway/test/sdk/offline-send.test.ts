import { createRoom, eventually } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, sdkClient } from './sdk-clients';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeEveryClient);
afterAll(() => cluster.stop());

async function storedWithKey(senderId: string, idempotencyKey: string): Promise<number> {
  return (await cluster.db()).collection('messages').countDocuments({ senderId, idempotencyKey });
}

test('a message sent while the socket is down is delivered once after the reconnect', async () => {
  await createRoom(cluster.url(0), 'hal', 'offline', ['ida']);
  const hal = sdkClient(cluster.url(0), 'hal');
  const ida = sdkClient(cluster.url(1), 'ida');
  await Promise.all([hal.client.joinRoom('offline'), ida.client.joinRoom('offline')]);

  hal.client.disconnect();
  await eventually(() => hal.connections.at(-1)?.state === 'disconnected', 'hal offline');
  const sending = hal.client.send('offline', 'typed on the train');
  expect(hal.client.pendingSends().map((r) => r.content)).toEqual(['typed on the train']);

  hal.client.connect();
  const ack = await sending;
  expect(ack.duplicate).toBe(false);
  await Promise.all([hal.presentedCount('offline', 1), ida.presentedCount('offline', 1)]);
  expect(await storedWithKey('hal', sending.localId)).toBe(1);
  expect(ida.contents('offline')).toEqual(['typed on the train']);
  expect(hal.presented.map((p) => p.message.messageId)).toEqual([ack.messageId]);
  // The app can tell its optimistic line and the stored message are one: the ack links the ids.
  expect(hal.statuses).toContainEqual(expect.objectContaining({ status: 'sent', localId: sending.localId, messageId: ack.messageId }));
  expect(hal.client.pendingSends()).toEqual([]);
});

test('a send whose ack is lost with the connection is resent under its key and stored and shown once', async () => {
  await createRoom(cluster.url(0), 'jo', 'lost-ack', ['kim']);
  const jo = sdkClient(cluster.url(0), 'jo');
  const kim = sdkClient(cluster.url(1), 'kim');
  await Promise.all([jo.client.joinRoom('lost-ack'), kim.client.joinRoom('lost-ack')]);

  // Jo's connection drops right after the gateway took the send and before it could answer:
  // the message is stored, but the ack never reaches jo.
  const serverSocket = [...cluster.pods[0]!.gateway.io.of('/').sockets.values()].find((s) => s.data.userId === 'jo');
  if (!serverSocket) throw new Error('jo has no socket on pod 0');
  serverSocket.prependAny((event: string) => {
    if (event === 'send_message') setImmediate(() => serverSocket.disconnect(true));
  });

  const sending = jo.client.send('lost-ack', 'only once please');
  const ack = await sending;
  expect(jo.connections.some((c) => c.state === 'connected' && c.reconnect)).toBe(true);
  await Promise.all([jo.presentedCount('lost-ack', 1), kim.presentedCount('lost-ack', 1)]);
  expect(await storedWithKey('jo', sending.localId)).toBe(1);
  expect(kim.presented.map((p) => p.message.messageId)).toEqual([ack.messageId]);
  expect(jo.presented.map((p) => p.message.messageId)).toEqual([ack.messageId]);
  // Nothing else arrives later (a second copy would come with the sync after the reconnect).
  await jo.client.sync('lost-ack');
  expect(jo.presented).toHaveLength(1);
});
