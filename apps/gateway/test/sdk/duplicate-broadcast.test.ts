import { type ChatMessage, userChannel } from '@campzone/protocol';
import { api, connectAs, createRoom, eventually, record, sendArgs } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, sdkClient } from './sdk-clients';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeEveryClient);
afterAll(() => cluster.stop());

test('a broadcast delivered again (a worker resend, from either pod) is shown once', async () => {
  await createRoom(cluster.url(0), 'fay', 'echoes', ['gus']);
  const gus = sdkClient(cluster.url(0), 'gus');
  await gus.client.joinRoom('echoes');
  // A plain socket of gus's beside the SDK shows what reached his sockets.
  const wire = record(await connectAs(cluster.url(0), 'gus'), 'new_message');
  const fay = await connectAs(cluster.url(1), 'fay');

  const first = await fay.emitWithAck('send_message', sendArgs('echoes', 'said once'));
  if (!first.ok) throw new Error(first.error.message);
  await gus.presentedCount('echoes', 1);
  const history = await api<{ messages: ChatMessage[] }>(cluster.url(1), 'GET', '/v1/rooms/echoes/messages', 'fay');
  const stored = history.body.messages[0]!;
  // The resends the worker makes to a member who has not acked: to the user's channel, from any pod.
  cluster.pods[1]!.gateway.io.to(userChannel('gus')).emit('new_message', stored);
  cluster.pods[0]!.gateway.io.to(userChannel('gus')).emit('new_message', stored);
  await eventually(() => wire.filter((m) => m.messageId === first.messageId).length === 3, 'the original and two resends on the wire');

  const second = await fay.emitWithAck('send_message', sendArgs('echoes', 'said after'));
  if (!second.ok) throw new Error(second.error.message);
  await gus.presentedCount('echoes', 2);
  expect(gus.contents('echoes')).toEqual(['said once', 'said after']);
  expect(gus.presented.filter((p) => p.message.messageId === first.messageId)).toHaveLength(1);
});
