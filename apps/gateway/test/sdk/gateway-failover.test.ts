import { dropNamespace, type ManagedProcess, type TestNamespace, uniqueNamespace } from '@campzone/testkit';
import { type ClientSocket, connectAs, createRoom, eventually, sendArgs } from '../harness/chat-clients';
import { GatewayCluster, serviceUrls, spawnGateway } from '../harness/gateway-cluster';
import { closeEveryClient, firstSeqs, sdkClient } from './sdk-clients';

// A member whose gateway goes away reconnects through another one (the SDK's fallbackUrls) and
// is shown every message sent meanwhile through a third, exactly once and in seq order.

afterEach(closeEveryClient);

async function send(socket: ClientSocket, roomId: string, content: string): Promise<void> {
  const ack = await socket.emitWithAck('send_message', sendArgs(roomId, content));
  if (!ack.ok) throw new Error(ack.error.message);
}

describe('in-process pods', () => {
  let cluster: GatewayCluster;
  beforeAll(async () => {
    cluster = await GatewayCluster.start(__filename, 3);
  });
  afterAll(() => cluster.stop());

  test('a member whose pod drains moves to the next URL and misses nothing sent through a third pod', async () => {
    await createRoom(cluster.url(2), 'lou', 'moving', ['max']);
    const max = sdkClient(cluster.url(0), 'max', { fallbackUrls: [cluster.url(1)] });
    await max.client.joinRoom('moving');
    const lou = await connectAs(cluster.url(2), 'lou');

    for (let i = 0; i < 10; i++) await send(lou, 'moving', `m${i}`);
    await max.presentedCount('moving', 10);
    const reconnected = max.connected();
    const stopping = cluster.pods[0]!.stop();
    for (let i = 10; i < 30; i++) await send(lou, 'moving', `m${i}`);
    await stopping;
    await reconnected;
    for (let i = 30; i < 40; i++) await send(lou, 'moving', `m${i}`);

    await max.presentedCount('moving', 40);
    expect(max.contents('moving')).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
    expect(max.seqs('moving')).toEqual(firstSeqs(40));
    const onPod1 = await cluster.pods[1]!.gateway.io.local.fetchSockets();
    expect(onPod1.some((s) => s.data.userId === 'max')).toBe(true);
  });
});

describe('gateway processes', () => {
  let ns: TestNamespace;
  const procs: ManagedProcess[] = [];
  beforeAll(() => {
    ns = uniqueNamespace(`${__filename}-processes`);
  });
  afterAll(async () => {
    await Promise.allSettled(procs.map((p) => p.stop(2000)));
    await dropNamespace(ns, serviceUrls());
  });

  test('kill -9 of the member’s gateway: it reconnects through another and is shown every message once, in order', async () => {
    // One after the other: both create the database's indexes at start.
    const a = await spawnGateway(ns, 'sdk-gw-a');
    procs.push(a.proc);
    const b = await spawnGateway(ns, 'sdk-gw-b');
    procs.push(b.proc);
    await createRoom(b.url, 'ned', 'survives', ['ola']);
    const ola = sdkClient(a.url, 'ola', { fallbackUrls: [b.url] });
    await ola.client.joinRoom('survives');
    const ned = await connectAs(b.url, 'ned');

    for (let i = 0; i < 10; i++) await send(ned, 'survives', `s${i}`);
    await ola.presentedCount('survives', 10);
    a.proc.kill('SIGKILL');
    await a.proc.exited;
    for (let i = 10; i < 30; i++) await send(ned, 'survives', `s${i}`);
    await eventually(() => ola.connections.some((c) => c.state === 'connected' && c.reconnect), 'ola back through gateway b');

    await ola.presentedCount('survives', 30);
    expect(ola.contents('survives')).toEqual(Array.from({ length: 30 }, (_, i) => `s${i}`));
    expect(ola.seqs('survives')).toEqual(firstSeqs(30));
  });
});
