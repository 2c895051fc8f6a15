import type { createClient, createCluster } from 'redis';

/** The node-redis v4 client this package works with (v5 changed the API the Socket.IO adapter uses). */
export type RedisClient = ReturnType<typeof createClient>;

/** node-redis v4's Redis Cluster client: routes each command to the master of its key's slot. */
export type RedisClusterClient = ReturnType<typeof createCluster>;

/** One Redis or a Redis Cluster: what every process talks to, chosen by the configuration. */
export type RedisConnection = RedisClient | RedisClusterClient;

/** Where Redis is (the config package's RedisTarget, repeated here so realtime needs no config import). */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: ReadonlyArray<{ host: string; port: number }> }
  | SentinelTarget;

/** A master and its replicas watched by Redis Sentinel: clients ask the sentinels where the master is. */
export interface SentinelTarget {
  mode: 'sentinel';
  sentinels: ReadonlyArray<{ host: string; port: number }>;
  masterName: string;
}

/** The subset of commands scripts need (a cluster gets an adapter: see LuaRunner.for). */
export type ScriptClient = Pick<RedisClient, 'evalSha' | 'eval'>;

export function isCluster(connection: RedisConnection): connection is RedisClusterClient {
  return 'masters' in connection;
}

/**
 * PING for health checks: a cluster has no single server to ask, so every master is asked
 * (a cluster with a master down serves part of the keyspace, which is not ready).
 */
export async function pingRedis(connection: RedisConnection): Promise<void> {
  if (!isCluster(connection)) {
    await connection.ping();
    return;
  }
  await Promise.all(connection.masters.map(async (master) => (await connection.nodeClient(master)).ping()));
}
