import { dropNamespace, type ManagedProcess, startProcess, type TestNamespace, uniqueNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { type ClientSocket, closeAllClients, connectAs, createRoom, eventually, sendArgs } from './harness/chat-clients';
import { serviceUrls, spawnGateway } from './harness/gateway-cluster';

let ns: TestNamespace;
let mongo: MongoClient;
const procs: ManagedProcess[] = [];
beforeAll(async () => {
  ns = uniqueNamespace(__filename);
  mongo = await MongoClient.connect(serviceUrls().mongoUrl);
});
afterEach(async () => {
  closeAllClients();
  await Promise.allSettled(procs.splice(0).map((p) => p.stop(2000)));
});
afterAll(async () => {
  await mongo.close();
  await dropNamespace(ns, serviceUrls());
});

async function spawn(name: string, env: Record<string, string> = {}) {
  const pod = await spawnGateway(ns, name, env);
  procs.push(pod.proc);
  return pod;
}

/** Sends continuously until stopped, remembering every acknowledged messageId. */
function stream(socket: ClientSocket, roomId: string) {
  const acked: string[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const ack = await socket
        .timeout(2000)
        .emitWithAck('send_message', sendArgs(roomId, `m${i}`))
        .catch(() => undefined);
      if (ack?.ok) acked.push(ack.messageId);
      else if (!socket.connected) return;
    }
  })();
  return {
    acked,
    async stop() {
      running = false;
      await done;
    },
  };
}

test('kill -9 of one of three gateways while clients stream: every acknowledged message is in MongoDB', async () => {
  const pods = [await spawn('gw-a'), await spawn('gw-b'), await spawn('gw-c')];
  await createRoom(pods[0]!.url, 'kat', 'stream-survivor', ['lee']);
  await createRoom(pods[0]!.url, 'lee', 'stream-victim', []);
  const survivor = stream(await connectAs(pods[1]!.url, 'kat'), 'stream-survivor');
  const victim = stream(await connectAs(pods[0]!.url, 'lee'), 'stream-victim');
  await eventually(() => survivor.acked.length > 50 && victim.acked.length > 50, 'both streams under way');

  pods[0]!.proc.kill('SIGKILL');
  await pods[0]!.proc.exited;
  await victim.stop();
  const beforeKill = survivor.acked.length;
  await eventually(() => survivor.acked.length > beforeKill + 50, 'the surviving stream continuing after the kill');
  await survivor.stop();

  const messages = mongo.db(ns.db).collection('messages');
  for (const [roomId, acked] of [
    ['stream-survivor', survivor.acked],
    ['stream-victim', victim.acked],
  ] as const) {
    const stored = new Set((await messages.find({ roomId }, { projection: { _id: 1 } }).toArray()).map((m) => m._id.toHexString()));
    const missing = acked.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
  }
});

test('SIGTERM drains: in-flight sends are acknowledged and stored, later ones refused, sockets close, the process exits 0', async () => {
  // A long write window, waited at every rate, holds every send in the writer, so all of them are
  // in flight at the signal.
  const pod = await spawn('gw-drain', {
    SHUTDOWN_TIMEOUT_MS: '5000',
    WRITE_BATCH_WINDOW_MS: '1000',
    WRITE_BATCH_WINDOW_MIN_RATE: '0',
    WRITE_BATCH_MAX: '5000',
  });
  await createRoom(pod.url, 'dru', 'drain-room', []);
  const dru = await connectAs(pod.url, 'dru');
  const disconnected = new Promise<string>((resolve) => dru.once('disconnect', resolve));
  const inFlight = Array.from({ length: 50 }, (_, i) => dru.emitWithAck('send_message', sendArgs('drain-room', `late ${i}`)));
  await eventually(async () => (await sendEventsSeen(pod.url)) >= 50, 'the gateway to receive all 50 sends');
  pod.proc.kill('SIGTERM');
  const acks = await Promise.all(inFlight);
  expect(acks.filter((a) => !a.ok)).toEqual([]);
  // A send that arrives once the drain began is refused, never dropped unanswered.
  const late = await dru
    .timeout(2000)
    .emitWithAck('send_message', sendArgs('drain-room', 'after the signal'))
    .catch(() => 'disconnected' as const);
  if (late !== 'disconnected') expect(late).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  expect(await disconnected).toBe('io server disconnect');
  expect(await pod.proc.exited).toBe(0);
  const stored = await mongo.db(ns.db).collection('messages').countDocuments({ roomId: 'drain-room' });
  expect(stored).toBe(50);
});

/** The gateway's count of `send_message` events received (from /metrics). */
async function sendEventsSeen(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^campzone_gateway_events_total\{event="send_message"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

test('readiness reports draining while a pod shuts down', async () => {
  const pod = await spawn('gw-ready', { SHUTDOWN_TIMEOUT_MS: '3000' });
  await createRoom(pod.url, 'rue', 'ready-room', []);
  const rue = await connectAs(pod.url, 'rue');
  expect((await fetch(`${pod.url}/readyz`)).status).toBe(200);
  // Keep one send in flight across the signal so the drain takes a moment.
  const pending = rue.emitWithAck('send_message', sendArgs('ready-room', 'hold'));
  pod.proc.kill('SIGTERM');
  // A signal and a request race to the event loop: ask once the pod has begun to shut down.
  await pod.proc.waitForLine(/"msg":"shutting down"/);
  const status = await fetch(`${pod.url}/readyz`).then(
    (r) => r.status,
    () => 'closed',
  );
  expect([503, 'closed']).toContain(status);
  await pending.catch(() => undefined);
  expect(await pod.proc.exited).toBe(0);
});

test('a draining pod closes its sockets in batches spread over DRAIN_DISCONNECT_MS, not all at once', async () => {
  const pod = await spawn('gw-spread', { SHUTDOWN_TIMEOUT_MS: '2000', DRAIN_DISCONNECT_MS: '1500' });
  const sockets = await Promise.all(Array.from({ length: 30 }, (_, i) => connectAs(pod.url, `spread-${i}`)));
  const closedAt = sockets.map((s) => new Promise<number>((resolve) => s.once('disconnect', () => resolve(Date.now()))));
  pod.proc.kill('SIGTERM');
  const times = await Promise.all(closedAt);
  // 15 batches of 2, every 100 ms: the last closes about 1.4 s after the first.
  expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1000);
  expect(await pod.proc.exited).toBe(0);
});

test('a bad environment stops the process with one line naming the variable', async () => {
  const proc = await startProcess({
    name: 'gw-badenv',
    command: process.execPath,
    args: [require.resolve('../dist/main.js')],
    env: { REDIS_URL: 'redis://127.0.0.1:1', MONGO_URL: 'mongodb://127.0.0.1:1', JWT_SECRET: 'x'.repeat(20), PORT: 'eighty' },
  });
  expect(await proc.exited).toBe(1);
  expect(proc.stderrLines.filter((l) => l.trim().length > 0)).toEqual(['Invalid configuration: PORT expected integer (got "eighty")']);
});
