import { createClient, createCluster } from 'redis';
import { watchClusterFailover } from './cluster-failover';
import { isCluster, type RedisClient, type RedisConnection, type RedisTarget } from './redis-client';
import { createSentinelRedisClient } from './sentinel-redis-client';

/** A Redis setup that retrying cannot fix (e.g. REDIS_CLUSTER_NODES names a server not in cluster mode). */
export class RedisSetupError extends Error {
  override readonly name = 'RedisSetupError';
}

/** node-redis's default reconnect curve once a connection has worked: 50 ms more per attempt, at most 500 ms. */
const reconnectDelay = (retries: number): number => Math.min(retries * 50, 500);

/**
 * A node-redis client whose first connect fails fast. node-redis would otherwise retry a first
 * connect forever on its own, with no deadline and nothing that says which attempt failed; the
 * start-up loop (retryUntilReady) retries it instead, with its backoff, log line and deadline.
 * Once the client has been ready, a dropped connection is retried by node-redis's default
 * curve (50 ms more per attempt, at most 500 ms), as before.
 * Each client is created here rather than with duplicate(): duplicate() would share the flag.
 */
export function createStartupRedisClient(url: string): RedisClient {
  let wasReady = false;
  const client: RedisClient = createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => (wasReady ? reconnectDelay(retries) : false) },
  });
  client.on('ready', () => {
    wasReady = true;
  });
  return client;
}

const clusterStartups = new WeakMap<RedisConnection, { seeds: string; connected: () => void }>();

/**
 * The client the configuration asks for: one Redis (REDIS_URL), a Redis Cluster
 * (REDIS_CLUSTER_NODES, the seed nodes; the others are discovered from CLUSTER SLOTS), or the
 * master Redis Sentinel names (REDIS_SENTINELS), followed across failovers.
 * Cluster node connections come back after a drop by the default curve; the first discovery
 * fails fast like createStartupRedisClient's first connect.
 */
export function createStartupRedisConnection(target: RedisTarget): RedisConnection {
  if (target.mode === 'single') return createStartupRedisClient(target.url);
  if (target.mode === 'sentinel') return createSentinelRedisClient(target);
  let connected = false;
  const cluster = createCluster({
    rootNodes: target.nodes.map((node) => ({ url: `redis://${node.host}:${node.port}` })),
    defaults: { socket: { reconnectStrategy: (retries: number) => (connected ? reconnectDelay(retries) : false) } },
  });
  clusterStartups.set(cluster, {
    seeds: target.nodes.map((node) => `${node.host}:${node.port}`).join(','),
    // connect() resolved: every master answered once, so dropped connections are retried from now on.
    connected: () => {
      connected = true;
    },
  });
  return cluster;
}

/** Connects the clients not connected yet; one attempt for the start-up loop. */
export async function connectRedisClients(clients: readonly RedisConnection[]): Promise<void> {
  // allSettled: a failed client must not leave another half-way through its connect.
  const results = await Promise.allSettled(clients.filter((c) => !c.isOpen).map((c) => connectOne(c)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function connectOne(connection: RedisConnection): Promise<void> {
  if (!isCluster(connection)) {
    await connection.connect();
    return;
  }
  const startup = clusterStartups.get(connection);
  const seeds = startup?.seeds ?? '(unknown seed nodes)';
  try {
    await connection.connect();
    startup?.connected();
    watchClusterFailover(connection);
  } catch (err) {
    // Reset for the next attempt: node-redis keeps a half-discovered cluster otherwise.
    await connection.disconnect().catch(() => undefined);
    const notCluster = await firstNodeWithoutCluster(seeds);
    if (notCluster) {
      throw new RedisSetupError(
        `REDIS_CLUSTER_NODES: ${notCluster} is not a Redis Cluster node (cluster support disabled); use REDIS_URL for one Redis`,
      );
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`REDIS_CLUSTER_NODES (${seeds}): could not reach the cluster: ${reason}`);
  }
}

/** The first seed node that answers but is a plain Redis, if any: no retry will make it a cluster. */
async function firstNodeWithoutCluster(seeds: string): Promise<string | undefined> {
  for (const seed of seeds.split(',')) {
    const probe = createClient({ url: `redis://${seed}`, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.sendCommand(['CLUSTER', 'INFO']);
    } catch (err) {
      if (err instanceof Error && /cluster support disabled/i.test(err.message)) return seed;
    } finally {
      await probe.disconnect().catch(() => undefined);
    }
  }
  return undefined;
}
