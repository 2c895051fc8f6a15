import { createRoom } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, sdkClient } from './sdk-clients';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1);
});
afterEach(closeEveryClient);
afterAll(() => cluster.stop());

test('the sender is shown its own message linked to the local id send() returned, in the order a real gateway answers', async () => {
  await createRoom(cluster.url(0), 'wes', 'own-link', []);
  const wes = sdkClient(cluster.url(0), 'wes');
  await wes.client.joinRoom('own-link');
  const sends = Array.from({ length: 20 }, (_, i) => wes.client.send('own-link', `mine ${i}`));
  await Promise.all(sends);
  await wes.presentedCount('own-link', 20);
  expect(wes.presented.map((p) => p.info)).toEqual(sends.map((s) => ({ own: true, late: false, localId: s.localId })));
});
