import { loadGatewayConfig } from '@campzone/config';
import { connectRedisClients, createStartupRedisConnection, isCluster, type RedisConnection } from '@campzone/realtime';
import { ensureIndexes } from '@campzone/store';
import { dropNamespace, type ManagedProcess, redisModeOf, startProcess, type TestNamespace, uniqueNamespace } from '@campzone/testkit';
import { type Db, MongoClient } from 'mongodb';
import pino from 'pino';
import { buildGateway, type Gateway } from '../../src/server';

export const JWT_SECRET = 'test-secret-0123456789abcdef';

export function serviceUrls(): { redisUrl: string; mongoUrl: string } {
  const redisUrl = process.env.REDIS_URL;
  const mongoUrl = process.env.MONGO_URL;
  if (!redisUrl || !mongoUrl) throw new Error('REDIS_URL and MONGO_URL must be set (jest globalSetup from @campzone/testkit does it)');
  return { redisUrl, mongoUrl };
}

/**
 * Where the gateways' Redis is: REDIS_URL, or with CAMPZONE_REDIS_MODE=cluster the Redis
 * Cluster of REDIS_CLUSTER_NODES (the gateways then run the sharded adapter).
 */
export function redisEnv(): Record<string, string> {
  // Spawned gateways inherit this process's environment; an empty value counts as unset.
  if (redisModeOf() === 'single') return { REDIS_URL: serviceUrls().redisUrl, REDIS_CLUSTER_NODES: '' };
  const nodes = process.env.REDIS_CLUSTER_NODES;
  if (!nodes) throw new Error('CAMPZONE_REDIS_MODE=cluster needs REDIS_CLUSTER_NODES (jest globalSetup from @campzone/testkit sets it)');
  return { REDIS_CLUSTER_NODES: nodes, REDIS_URL: '' };
}

/** A Redis connection to what the gateways use (one Redis, or the cluster), for tests that reach behind them. */
export async function connectTestRedis(): Promise<RedisConnection> {
  const env = redisEnv();
  const nodes = env.REDIS_CLUSTER_NODES;
  const connection = createStartupRedisConnection(
    nodes
      ? { mode: 'cluster', nodes: nodes.split(',').map((node) => ({ host: node.split(':')[0] ?? '', port: Number(node.split(':')[1]) })) }
      : { mode: 'single', url: env.REDIS_URL ?? '' },
  );
  connection.on('error', () => undefined);
  await connectRedisClients([connection]);
  return connection;
}

/**
 * Deletes every key under `prefix` from what the gateways use, as a Redis that lost its data
 * would: on a cluster each master is scanned (SCAN sees one node) and each key deleted on its
 * own (one DEL across slots is refused). Answers how many keys went.
 */
export async function forgetKeysUnder(prefix: string): Promise<number> {
  const redis = await connectTestRedis();
  try {
    const servers = isCluster(redis) ? await Promise.all(redis.masters.map((master) => redis.nodeClient(master))) : [redis];
    let deleted = 0;
    for (const server of servers) {
      for await (const key of server.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) deleted += await server.unlink(key);
    }
    return deleted;
  } finally {
    await redis.quit();
  }
}

/** Environment of a gateway in this test namespace; overrides win. */
export function gatewayEnv(ns: TestNamespace, overrides: Record<string, string> = {}): Record<string, string> {
  const { mongoUrl } = serviceUrls();
  return {
    ...redisEnv(),
    MONGO_URL: mongoUrl,
    MONGO_DB: ns.db,
    REDIS_PREFIX: ns.prefix,
    JWT_SECRET,
    AUTH_DEV_TOKENS: 'true',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    // Tests that are not about limits must not trip them; the rate-limit tests set their own.
    MESSAGE_RATE_LIMIT: '100000',
    CONNECT_RATE_LIMIT: '100000',
    ...overrides,
  };
}

export interface InProcessGateway {
  url: string;
  gateway: Gateway;
  /** Drains like SIGTERM would, then closes its clients. */
  stop(): Promise<void>;
}

async function startInProcess(env: Record<string, string>, name: string): Promise<InProcessGateway> {
  const config = loadGatewayConfig({ ...env, POD_NAME: name });
  const command = createStartupRedisConnection(config.redis);
  const pub = createStartupRedisConnection(config.redis);
  const sub = createStartupRedisConnection(config.redis);
  for (const c of [command, pub, sub]) c.on('error', () => undefined);
  await connectRedisClients([command, pub, sub]);
  const mongo = await MongoClient.connect(config.MONGO_URL);
  const db = mongo.db(config.MONGO_DB);
  await ensureIndexes(db);
  const gateway = await buildGateway({ config, logger: pino({ level: config.LOG_LEVEL }), redis: { command, pub, sub }, db });
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.app.server.address();
  if (!address || typeof address === 'string') throw new Error('gateway did not bind a TCP port');
  let stopped = false;
  return {
    url: `http://127.0.0.1:${address.port}`,
    gateway,
    async stop() {
      if (stopped) return;
      stopped = true;
      await gateway.drain();
      await Promise.allSettled([command.quit(), pub.quit(), sub.quit(), mongo.close()]);
    },
  };
}

/**
 * N gateway pods sharing one Redis and one database, in this process: the same build as
 * production (buildGateway), each with its own clients, port and pod name.
 */
export class GatewayCluster {
  readonly pods: InProcessGateway[] = [];
  private mongo: MongoClient | undefined;

  private constructor(
    readonly ns: TestNamespace,
    private readonly overrides: Record<string, string>,
  ) {}

  static async start(label: string, size: number, overrides: Record<string, string> = {}): Promise<GatewayCluster> {
    const cluster = new GatewayCluster(uniqueNamespace(label), overrides);
    for (let i = 0; i < size; i++) await cluster.addPod();
    return cluster;
  }

  get urls(): string[] {
    return this.pods.map((p) => p.url);
  }

  url(i: number): string {
    const pod = this.pods[i];
    if (!pod) throw new Error(`no pod ${i}`);
    return pod.url;
  }

  async addPod(): Promise<InProcessGateway> {
    const pod = await startInProcess(gatewayEnv(this.ns, this.overrides), `gw-${this.pods.length}`);
    this.pods.push(pod);
    return pod;
  }

  /** Replaces pod i with a fresh one (a restart: new process state, new port). */
  async restartPod(i: number): Promise<InProcessGateway> {
    await this.pods[i]?.stop();
    const pod = await startInProcess(gatewayEnv(this.ns, this.overrides), `gw-${i}`);
    this.pods[i] = pod;
    return pod;
  }

  async db(): Promise<Db> {
    this.mongo ??= await MongoClient.connect(serviceUrls().mongoUrl);
    return this.mongo.db(this.ns.db);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.pods.map((p) => p.stop()));
    await this.mongo?.close();
    await dropNamespace(this.ns, serviceUrls());
  }
}

/** A real gateway process (node apps/gateway/dist/main.js), for kill -9 and SIGTERM tests. */
export async function spawnGateway(
  ns: TestNamespace,
  name: string,
  overrides: Record<string, string> = {},
): Promise<{ url: string; proc: ManagedProcess }> {
  const proc = await startProcess({
    name,
    command: process.execPath,
    args: [require.resolve('../../dist/main.js')],
    env: gatewayEnv(ns, { LOG_LEVEL: 'info', POD_NAME: name, ...overrides }),
    readyLine: /"msg":"gateway listening"/,
    timeoutMs: 30_000,
  });
  const line = await proc.waitForLine(/"msg":"gateway listening"/);
  const { port } = JSON.parse(line) as { port: number };
  return { url: `http://127.0.0.1:${port}`, proc };
}
