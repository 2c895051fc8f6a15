import { indexDefinitions } from '@campzone/store';
import {
  dropNamespace,
  getFreePort,
  type ManagedProcess,
  type MongoWireServer,
  startMongoWire,
  startProcess,
  type TestNamespace,
  uniqueNamespace,
} from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { JWT_SECRET, serviceUrls } from './harness/stack';

// Pods started together against a store that is not up yet (a fresh cluster, a rolling deploy)
// must wait for it, not exit; and one whose store never comes must exit at its deadline.

let ns: TestNamespace;
const procs: ManagedProcess[] = [];
let store: MongoWireServer | undefined;
beforeEach(() => {
  ns = uniqueNamespace(__filename);
});
afterEach(async () => {
  await Promise.allSettled(procs.splice(0).map((p) => p.stop(5000)));
  await store?.stop();
  store = undefined;
  await dropNamespace(ns, { redisUrl: serviceUrls().redisUrl });
});

interface Pod {
  url: string;
  proc: ManagedProcess;
}

/** A gateway or worker process on a port chosen here, so its probes can be asked from its first moment. */
async function launch(app: 'gateway' | 'worker', name: string, env: Record<string, string>): Promise<Pod> {
  const port = await getFreePort();
  const proc = await startProcess({
    name,
    command: process.execPath,
    args: [require.resolve(app === 'gateway' ? '@campzone/gateway/dist/main.js' : '../dist/main.js')],
    env: {
      REDIS_PREFIX: ns.prefix,
      MONGO_DB: ns.db,
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      POD_NAME: name,
      ...(app === 'gateway' ? { JWT_SECRET, SERVE_WEB_CLIENT: 'false' } : {}),
      ...env,
    },
  });
  procs.push(proc);
  return { url: `http://127.0.0.1:${port}`, proc };
}

async function probe(url: string): Promise<{ status: number | 'refused'; body: unknown }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { status: response.status, body: await response.json() };
  } catch {
    return { status: 'refused', body: null };
  }
}

/** Polls until `check` holds; fails with `what` and the pods' output after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, pods: Pod[], timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    const exited = pods.find((p) => !p.proc.running);
    if (exited) throw new Error(`${exited.proc.name} exited while waiting for ${what}:\n${exited.proc.outputTail(10)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${pods.map((p) => `--- ${p.proc.name}\n${p.proc.outputTail(5)}`).join('\n')}`);
}

/** The exit code, or 'still running' after `ms`: a bound, so a pod that never gives up fails the test. */
async function exitWithin(proc: ManagedProcess, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  return Promise.race([proc.exited, late]).finally(() => clearTimeout(timer));
}

const retryLine = (dependency: string) => new RegExp(`"dependency":"${dependency}".*"msg":"start-up: dependency not ready, retrying"`);

test('three gateways and a worker started together before their store is up all become ready once it comes', async () => {
  const mongoPort = await getFreePort();
  const env = { REDIS_URL: serviceUrls().redisUrl, MONGO_URL: `mongodb://127.0.0.1:${mongoPort}`, STARTUP_DEADLINE_MS: '60000' };
  const pods = await Promise.all([
    launch('gateway', 'gw-1', env),
    launch('gateway', 'gw-2', env),
    launch('gateway', 'gw-3', env),
    launch('worker', 'worker-1', env),
  ]);

  // Waiting, not dead: alive, not ready, and each says which dependency it retries.
  await Promise.all(pods.map((p) => p.proc.waitForLine(retryLine('mongodb'), 20_000)));
  for (const pod of pods) {
    expect(await probe(`${pod.url}/healthz`)).toMatchObject({ status: 200 });
    expect(await probe(`${pod.url}/readyz`)).toEqual({ status: 503, body: { status: 'starting' } });
  }

  // The store comes up about 5 s after the pods (their first attempts' server selection).
  store = await startMongoWire({ port: mongoPort });
  await eventually(
    async () => (await Promise.all(pods.map((p) => probe(`${p.url}/readyz`)))).every((r) => r.status === 200),
    'every pod to answer /readyz 200',
    pods,
  );

  // Four pods created the indexes at once; each is there once, under its name.
  const client = await MongoClient.connect(store.url);
  try {
    for (const [collection, wanted] of Object.entries(indexDefinitions)) {
      const names = (await client.db(ns.db).collection(collection).indexes()).map((i) => i.name);
      expect({ collection, missing: wanted.map((i) => i.name).filter((n) => !names.includes(n)) }).toEqual({ collection, missing: [] });
    }
  } finally {
    await client.close();
  }
}, 90_000);

test('a pod whose store or Redis never comes up answers "starting", then exits non-zero at its deadline with one clear line', async () => {
  const nothingThere = `127.0.0.1:${await getFreePort()}`;
  const { redisUrl, mongoUrl } = serviceUrls();
  const pods = await Promise.all([
    launch('gateway', 'gw-no-store', { REDIS_URL: redisUrl, MONGO_URL: `mongodb://${nothingThere}`, STARTUP_DEADLINE_MS: '3000' }),
    // A longer deadline than the gateway's: its MongoDB is real and must have answered by then,
    // or the line names MongoDB (seen once in CI with the machine loaded), not the dead Redis.
    launch('worker', 'worker-no-redis', { REDIS_URL: `redis://${nothingThere}`, MONGO_URL: mongoUrl, STARTUP_DEADLINE_MS: '8000' }),
  ]);
  await Promise.all(pods.map((p) => p.proc.waitForLine(/"msg":"start-up: waiting for redis and mongodb"/)));
  for (const pod of pods) {
    expect(await probe(`${pod.url}/healthz`)).toMatchObject({ status: 200 });
    expect(await probe(`${pod.url}/readyz`)).toEqual({ status: 503, body: { status: 'starting' } });
  }
  await pods[1]!.proc.waitForLine(retryLine('redis'));

  const [gateway, worker] = pods as [Pod, Pod];
  expect(await Promise.all(pods.map((p) => exitWithin(p.proc, 20_000)))).toEqual([1, 1]);
  expect(gateway.proc.stderrLines.filter((l) => l.trim() !== '')).toEqual([
    expect.stringMatching(
      /^gateway failed to start: mongodb not ready by the start-up deadline after \d+ attempt\(s\); .*\(STARTUP_DEADLINE_MS=3000\)$/,
    ),
  ]);
  expect(worker.proc.stderrLines.filter((l) => l.trim() !== '')).toEqual([
    expect.stringMatching(
      /^worker failed to start: redis not ready by the start-up deadline after \d+ attempt\(s\); last error: .*ECONNREFUSED.*\(STARTUP_DEADLINE_MS=8000\)$/,
    ),
  ]);
}, 40_000);

test('REDIS_CLUSTER_NODES naming a Redis that is not a cluster, or nodes that never answer, stops the pod with a line naming the setting', async () => {
  const plainRedis = new URL(serviceUrls().redisUrl).host;
  const nothingThere = `127.0.0.1:${await getFreePort()}`;
  const { mongoUrl } = serviceUrls();
  const pods = await Promise.all([
    // A long deadline: retrying cannot turn a plain Redis into a cluster, so the pod must not wait for it.
    launch('gateway', 'gw-not-cluster', {
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: plainRedis,
      MONGO_URL: mongoUrl,
      STARTUP_DEADLINE_MS: '60000',
    }),
    launch('worker', 'worker-no-cluster', {
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: nothingThere,
      MONGO_URL: mongoUrl,
      STARTUP_DEADLINE_MS: '3000',
    }),
  ]);
  const [gateway, worker] = pods as [Pod, Pod];
  expect(await Promise.all(pods.map((p) => exitWithin(p.proc, 20_000)))).toEqual([1, 1]);
  expect(gateway.proc.stderrLines.filter((l) => l.trim() !== '')).toEqual([
    `gateway failed to start: REDIS_CLUSTER_NODES: ${plainRedis} is not a Redis Cluster node (cluster support disabled); use REDIS_URL for one Redis`,
  ]);
  expect(worker.proc.stderrLines.filter((l) => l.trim() !== '')).toEqual([
    expect.stringMatching(
      /^worker failed to start: redis not ready by the start-up deadline after \d+ attempt\(s\); last error: REDIS_CLUSTER_NODES \(127\.0\.0\.1:\d+\): could not reach the cluster: .*\(STARTUP_DEADLINE_MS=3000\)$/,
    ),
  ]);
}, 40_000);
