import { type ChatMessage, roomChannel, userChannel } from '@campzone/protocol';
import { api, connectAs, createRoom, eventually, sendArgs } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, firstSeqs, sdkClient } from './sdk-clients';

// The SDK against real gateways: whatever order messages reach a member's socket in, the app
// is shown each room's messages in seq order, each once.

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 3);
});
afterEach(closeEveryClient);
afterAll(() => cluster.stop());

test('messages that reach a member out of order (3, 1, 2) are shown as 1, 2, 3, each once', async () => {
  await createRoom(cluster.url(0), 'ana', 'shuffled', ['ben']);
  const ben = sdkClient(cluster.url(0), 'ben');
  await ben.client.joinRoom('shuffled');
  const { io } = cluster.pods[0]!.gateway;

  // Ben's socket misses the three live broadcasts...
  io.in(userChannel('ben')).socketsLeave(roomChannel('shuffled'));
  await eventually(
    async () => (await io.in(roomChannel('shuffled')).fetchSockets()).every((s) => s.data.userId !== 'ben'),
    'ben out of the room',
  );
  const ana = await connectAs(cluster.url(1), 'ana');
  for (const content of ['one', 'two', 'three']) {
    const ack = await ana.emitWithAck('send_message', sendArgs('shuffled', content));
    if (!ack.ok) throw new Error(ack.error.message);
  }
  // ...and then gets them as a worker's resends would deliver them: newest first.
  const history = await api<{ messages: ChatMessage[] }>(cluster.url(1), 'GET', '/v1/rooms/shuffled/messages', 'ana');
  const [one, two, three] = history.body.messages;
  if (!one || !two || !three) throw new Error('three messages should be stored');
  for (const message of [three, one, two]) io.to(userChannel('ben')).emit('new_message', message);

  await ben.presentedCount('shuffled', 3);
  expect(ben.contents('shuffled')).toEqual(['one', 'two', 'three']);
  expect(ben.seqs('shuffled')).toEqual(firstSeqs(3));
});

test('two senders on two pods at once: a member on a third pod is shown all 40 messages in seq order, each once', async () => {
  await createRoom(cluster.url(0), 'cleo', 'busy', ['dara', 'eli']);
  const eli = sdkClient(cluster.url(2), 'eli');
  await eli.client.joinRoom('busy');
  // One send per room on the wire at a time (the SDK's default) keeps each sender's typed order.
  const cleo = sdkClient(cluster.url(0), 'cleo');
  const dara = sdkClient(cluster.url(1), 'dara');
  await Promise.all([cleo.connected(), dara.connected()]);

  await Promise.all([
    ...Array.from({ length: 20 }, (_, i) => cleo.client.send('busy', `cleo ${i}`)),
    ...Array.from({ length: 20 }, (_, i) => dara.client.send('busy', `dara ${i}`)),
  ]);

  await eli.presentedCount('busy', 40);
  expect(eli.seqs('busy')).toEqual(firstSeqs(40));
  expect(new Set(eli.contents('busy')).size).toBe(40);
  // Each sender's own messages keep the order they were typed in.
  const fromCleo = eli.contents('busy').filter((c) => c.startsWith('cleo'));
  expect(fromCleo).toEqual(Array.from({ length: 20 }, (_, i) => `cleo ${i}`));
  expect(eli.contents('busy').filter((c) => c.startsWith('dara'))).toEqual(Array.from({ length: 20 }, (_, i) => `dara ${i}`));
});
