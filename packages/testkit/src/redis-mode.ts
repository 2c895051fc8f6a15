/**
 * Which Redis a test run targets: `single` (REDIS_URL, the default) or `cluster`
 * (REDIS_CLUSTER_NODES, a Redis Cluster with the sharded Socket.IO adapter). Chosen with
 * CAMPZONE_REDIS_MODE so the same integration tests run against both.
 */
export type RedisMode = 'single' | 'cluster';

export function redisModeOf(env: NodeJS.ProcessEnv = process.env): RedisMode {
  const mode = env.CAMPZONE_REDIS_MODE;
  if (mode === undefined || mode === '' || mode === 'single') return 'single';
  if (mode === 'cluster') return 'cluster';
  throw new Error(`CAMPZONE_REDIS_MODE must be single or cluster (got ${JSON.stringify(mode)})`);
}
