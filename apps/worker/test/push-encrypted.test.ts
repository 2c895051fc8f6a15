import { type PushServicePeer, startPushServicePeer } from '@campzone/testkit';
import { closeAllClients, connectAs, createRoom, eventually, send } from './harness/chat-clients';
import { pushEnv, pushesTo, subscribeBrowser, vapidPair } from './harness/push';
import { Stack } from './harness/stack';

// With encryption at rest on, content never leaves the cluster in a push: only room and sender.
const MASTER_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const keys = vapidPair();
let stack: Stack;
let peer: PushServicePeer;

beforeAll(async () => {
  peer = await startPushServicePeer({ vapidPublicKey: keys.publicKey });
  const env = pushEnv(keys, 1000);
  stack = await Stack.start(__filename, {
    gatewayEnv: { ...env.gatewayEnv, ENCRYPTION_MASTER_KEY: MASTER_KEY },
    workerEnv: { ...env.workerEnv, ENCRYPTION_MASTER_KEY: MASTER_KEY },
  });
}, 60_000);
afterEach(closeAllClients);
afterAll(async () => {
  await stack?.stop();
  await peer?.close();
});

test('with encryption at rest, a push names the room and the sender and carries no content', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'sealed-dm', ['bob'], 'one-to-one');
  const bobs = await subscribeBrowser(stack.gatewayUrl, peer, 'bob');
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  await send(ann, 'sealed-dm', 'exam answers: 42');

  await eventually(() => pushesTo(peer, bobs).length === 1, 'the push to bob', 20_000);
  const [push] = pushesTo(peer, bobs);
  expect(push).toEqual({
    type: 'messages',
    roomId: 'sealed-dm',
    roomName: 'sealed-dm',
    count: 1,
    senderId: 'ann',
    latestSeq: 1,
    mentioned: false,
  });
  const text = peer.received.find((p) => p.endpoint === bobs.endpoint)?.text ?? '';
  expect(text).not.toContain('42');
  expect(text).not.toContain('exam');
}, 40_000);
