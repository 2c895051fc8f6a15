import { dropNamespace, type ManagedProcess, startTcpProxy, type TcpProxy, type TestNamespace, uniqueNamespace } from '@campzone/testkit';
import { closeAllClients, connectAs, createRoom, eventually, sendArgs } from './harness/chat-clients';
import { serviceUrls, spawnGateway } from './harness/gateway-cluster';

// A store that hangs (a partition, a frozen server) rather than refusing: without a socket
// timeout every MongoDB call, and every send behind it, waits forever.

let ns: TestNamespace;
let proxy: TcpProxy;
let proc: ManagedProcess | undefined;
beforeAll(async () => {
  ns = uniqueNamespace(__filename);
  const target = new URL(serviceUrls().mongoUrl);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
});
afterAll(async () => {
  closeAllClients();
  await proc?.stop(2000);
  await proxy.cut();
  await dropNamespace(ns, serviceUrls());
});

test('a send while MongoDB hangs is answered UNAVAILABLE within the socket timeout, and sends work again once it answers', async () => {
  const pod = await spawnGateway(ns, 'gw-hang', { MONGO_URL: proxy.mongoUrl, MONGO_SOCKET_TIMEOUT_MS: '1500' });
  proc = pod.proc;
  await createRoom(pod.url, 'hal', 'hang-room', []);
  const hal = await connectAs(pod.url, 'hal');
  expect(await hal.emitWithAck('send_message', sendArgs('hang-room', 'before'))).toMatchObject({ ok: true });

  proxy.hold();
  const started = Date.now();
  // Bounded well above the 1.5 s timeout: without one the ack never comes.
  const ack = await hal
    .timeout(8000)
    .emitWithAck('send_message', sendArgs('hang-room', 'during'))
    .catch(() => 'no answer within 8 s' as const);
  expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  expect(Date.now() - started).toBeLessThan(8000);

  proxy.release();
  await eventually(
    async () =>
      (
        await hal
          .timeout(3000)
          .emitWithAck('send_message', sendArgs('hang-room', 'after'))
          .catch(() => undefined)
      )?.ok === true,
    'a send to be stored again',
  );
}, 40_000);
