import { connectionOptions, createQueueConnection, type QueueRedisTarget } from '@campzone/queue';
import { RedisKeys } from '@campzone/realtime';
import { dropNamespace, type ManagedProcess, redisModeOf, startProcess, type TestNamespace, uniqueNamespace } from '@campzone/testkit';
import { Queue } from 'bullmq';
import { type Db, MongoClient } from 'mongodb';

export const JWT_SECRET = 'worker-test-secret-0123456789';

/** Delays short enough for a fast suite, long enough to tell the retries apart. */
export const TEST_DELAYS_MS = [200, 400, 600] as const;
export const TEST_ACK_TIMEOUT_MS = 300;

export function serviceUrls(): { redisUrl: string; mongoUrl: string } {
  const redisUrl = process.env.REDIS_URL;
  const mongoUrl = process.env.MONGO_URL;
  if (!redisUrl || !mongoUrl) throw new Error('REDIS_URL and MONGO_URL must be set (jest globalSetup from @campzone/testkit does it)');
  return { redisUrl, mongoUrl };
}

/**
 * The Redis both apps use: REDIS_URL, or with CAMPZONE_REDIS_MODE=cluster the Redis Cluster of
 * REDIS_CLUSTER_NODES (and with it the sharded adapter, on the gateways and the worker's emitter).
 */
export function redisTarget(): Exclude<QueueRedisTarget, { mode: 'sentinel' }> {
  if (redisModeOf() === 'single') return { mode: 'single', url: serviceUrls().redisUrl };
  const nodes = process.env.REDIS_CLUSTER_NODES;
  if (!nodes) throw new Error('CAMPZONE_REDIS_MODE=cluster needs REDIS_CLUSTER_NODES (jest globalSetup from @campzone/testkit sets it)');
  return { mode: 'cluster', nodes: nodes.split(',').map((node) => ({ host: node.split(':')[0] ?? '', port: Number(node.split(':')[1]) })) };
}

type StackRedis = ReturnType<typeof redisTarget>;

function redisEnv(target: StackRedis): Record<string, string> {
  // Children inherit this process's environment; an empty value counts as unset and keeps the two exclusive.
  return target.mode === 'single'
    ? { REDIS_URL: target.url, REDIS_CLUSTER_NODES: '' }
    : { REDIS_CLUSTER_NODES: target.nodes.map((node) => `${node.host}:${node.port}`).join(','), REDIS_URL: '' };
}

/** What the gateway and the worker both read, as `npm start` gives both of them. */
function sharedEnv(ns: TestNamespace, target: StackRedis): Record<string, string> {
  const { mongoUrl } = serviceUrls();
  return {
    ...redisEnv(target),
    MONGO_URL: mongoUrl,
    MONGO_DB: ns.db,
    REDIS_PREFIX: ns.prefix,
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DELIVERY_RETRY_DELAYS_MS: TEST_DELAYS_MS.join(','),
    ROLLUP_DELAY_MS: '100',
  };
}

export interface RunningProcess {
  url: string;
  proc: ManagedProcess;
}

/**
 * Real processes on one Redis prefix and one database: gateways (`apps/gateway/dist/main.js`)
 * and workers (`apps/worker/dist/main.js`), started the way `npm start` starts them.
 */
export class Stack {
  readonly gateways: RunningProcess[] = [];
  readonly workers: RunningProcess[] = [];
  private mongo: MongoClient | undefined;
  private started = 0;
  private readonly queues: Array<{ queue: Queue; connection: ReturnType<typeof createQueueConnection> }> = [];

  private constructor(
    readonly ns: TestNamespace,
    /** The run's Redis (redisTarget()), or one the test brought, e.g. a cluster it kills masters of. */
    readonly redis: StackRedis,
  ) {}

  static async start(
    label: string,
    options: {
      gateways?: number;
      workers?: number;
      gatewayEnv?: Record<string, string>;
      workerEnv?: Record<string, string>;
      redis?: StackRedis;
    } = {},
  ) {
    const stack = new Stack(uniqueNamespace(label), options.redis ?? redisTarget());
    try {
      for (let i = 0; i < (options.gateways ?? 1); i++) await stack.addGateway(options.gatewayEnv);
      for (let i = 0; i < (options.workers ?? 1); i++) await stack.addWorker(options.workerEnv);
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  get gatewayUrl(): string {
    const first = this.gateways[0];
    if (!first) throw new Error('no gateway running');
    return first.url;
  }

  async addGateway(overrides: Record<string, string> = {}): Promise<RunningProcess> {
    const name = `gw-${this.started++}`;
    const proc = await startProcess({
      name,
      command: process.execPath,
      args: [require.resolve('@campzone/gateway/dist/main.js')],
      env: {
        ...sharedEnv(this.ns, this.redis),
        POD_NAME: name,
        JWT_SECRET,
        AUTH_DEV_TOKENS: 'true',
        SERVE_WEB_CLIENT: 'false',
        MESSAGE_RATE_LIMIT: '1000000',
        CONNECT_RATE_LIMIT: '1000000',
        ...overrides,
      },
      readyLine: /"msg":"gateway listening"/,
      timeoutMs: 30_000,
    });
    const running = { url: `http://127.0.0.1:${portOf(await proc.waitForLine(/"msg":"gateway listening"/))}`, proc };
    this.gateways.push(running);
    return running;
  }

  async addWorker(overrides: Record<string, string> = {}): Promise<RunningProcess> {
    const name = `worker-${this.started++}`;
    const proc = await startProcess({
      name,
      command: process.execPath,
      args: [require.resolve('../../dist/main.js')],
      env: {
        ...sharedEnv(this.ns, this.redis),
        POD_NAME: name,
        DELIVERY_ACK_TIMEOUT_MS: String(TEST_ACK_TIMEOUT_MS),
        // A crashed worker's jobs go to another worker within about a second.
        WORKER_LOCK_DURATION_MS: '1000',
        WORKER_STALLED_INTERVAL_MS: '500',
        SWEEP_INTERVAL_MS: '1000',
        SHUTDOWN_TIMEOUT_MS: '3000',
        ...overrides,
      },
      readyLine: /"msg":"worker running"/,
      timeoutMs: 30_000,
    });
    const running = { url: `http://127.0.0.1:${portOf(await proc.waitForLine(/"msg":"worker running"/))}`, proc };
    this.workers.push(running);
    return running;
  }

  async db(): Promise<Db> {
    this.mongo ??= await MongoClient.connect(serviceUrls().mongoUrl);
    return this.mongo.db(this.ns.db);
  }

  get bullPrefix(): string {
    return new RedisKeys(this.ns.prefix).bullPrefix(this.redis.mode);
  }

  /** A BullMQ connection to the stack's Redis, for tests that look into the queues; close() it after. */
  queueConnection(): ReturnType<typeof createQueueConnection> {
    return createQueueConnection(this.redis);
  }

  /** A BullMQ queue of the stack's (on its Redis and prefix), for tests that add, look at or lose jobs; stop() closes it. */
  queue(name: string): Queue {
    const connection = this.queueConnection();
    const queue = new Queue(name, { connection: connectionOptions(connection.connection), prefix: this.bullPrefix });
    this.queues.push({ queue, connection });
    return queue;
  }

  async stop(): Promise<void> {
    for (const { queue, connection } of this.queues.splice(0)) {
      await queue.close().catch(() => undefined);
      await connection.close();
    }
    await Promise.allSettled([...this.gateways, ...this.workers].map((p) => p.proc.stop(5000)));
    await this.mongo?.close();
    await dropNamespace(this.ns, serviceUrls());
  }
}

function portOf(line: string): number {
  const { port } = JSON.parse(line) as { port?: unknown };
  if (typeof port !== 'number') throw new Error(`no port in ${line}`);
  return port;
}

/** One sample of a Prometheus counter or gauge from a /metrics page (0 when absent). */
export async function metricValue(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
