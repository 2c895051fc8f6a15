import { type RedisServer, redisModeOf, startRedisServer } from '@campzone/testkit';
import { type ChaosContext, type ChaosScenario, runScenario } from '../src/chaos/chaos-scenario';
import { gatewayKillScenario } from '../src/chaos/gateway-kill.scenario';
import { malformedFloodScenario } from '../src/chaos/malformed-flood.scenario';
import { reconnectStormScenario, STORM_TIMED_CHECK } from '../src/chaos/reconnect-storm.scenario';
import { redisClusterFailoverScenario } from '../src/chaos/redis-cluster-failover.scenario';
import { redisRestartScenario } from '../src/chaos/redis-restart.scenario';
import { redisSentinelFailoverScenario } from '../src/chaos/redis-sentinel-failover.scenario';
import { slowStoreScenario } from '../src/chaos/slow-store.scenario';
import { serviceUrls } from './services';

// The short chaos suite: the same scenarios as `npm run chaos`, in their seconds-long variants,
// on real gateway processes. Pass criteria are correctness only (no latency bound), so a busy
// CI machine slows them down without failing them.

let redis: RedisServer | undefined;
afterAll(async () => {
  await redis?.stop();
});

// CAMPZONE_REDIS_MODE=cluster (run-tests' cluster pass): the gateways run on REDIS_CLUSTER_NODES
// with the sharded adapter; the scenarios that do not apply to a cluster are skipped, saying why.
const onCluster = redisModeOf() === 'cluster';
const clusterNodes = onCluster ? { redisClusterNodes: process.env.REDIS_CLUSTER_NODES ?? '' } : {};
function singleRedisOnly(why: string): (name: string, fn: () => Promise<void>, timeout: number) => void {
  return (name, fn, timeout) => (onCluster ? test.skip(`${name} [not on a Redis Cluster: ${why}]`, fn, timeout) : test(name, fn, timeout));
}
const NOT_REDIS = 'nothing in it depends on the Redis mode; the single-Redis pass runs it';

function context(overrides: Partial<ChaosContext['services']> = {}): ChaosContext {
  return { services: { ...serviceUrls(), ...clusterNodes, ...overrides }, scale: 'short', log: () => undefined };
}

async function failedChecks(scenario: ChaosScenario, ctx: ChaosContext): Promise<string[]> {
  const outcome = await runScenario(scenario, ctx);
  if (outcome.skipped) throw new Error(`${scenario.name} skipped: ${outcome.skipped}`);
  return outcome.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
}

test('kill -9 of a gateway under light load: clients move to the others; nothing lost, duplicated or reordered', async () => {
  expect(await failedChecks(gatewayKillScenario, context())).toEqual([]);
}, 90_000);

singleRedisOnly(NOT_REDIS)(
  'a reconnect storm (300 SDK clients in 2 processes, kill -9 of the pod holding a third): all back, paced by retryAfterMs, nothing lost or doubled',
  async () => {
    const outcome = await runScenario(reconnectStormScenario, context());
    if (outcome.skipped) throw new Error(`reconnect-storm skipped: ${outcome.skipped}`);
    // The 60 s bounds are the full suite's business (npm run chaos): a busy CI machine stretches a storm.
    const failed = outcome.checks.filter((c) => !c.passed && !STORM_TIMED_CHECK.test(c.name)).map((c) => `${c.name}: ${c.detail}`);
    expect(failed).toEqual([]);
  },
  600_000,
);

singleRedisOnly(NOT_REDIS)(
  'a burst of malformed payloads is answered with errors, stores nothing and crashes no pod',
  async () => {
    const ctx = context();
    const outcome = await runScenario(malformedFloodScenario, ctx);
    // Latency under a flood is the full suite's business (npm run chaos): CI machines are too noisy for it.
    const failed = outcome.checks.filter((c) => !c.passed && !c.name.startsWith('p99')).map((c) => `${c.name}: ${c.detail}`);
    expect(failed).toEqual([]);
  },
  90_000,
);

singleRedisOnly('it kills the one redis-server; redis-cluster-failover is its cluster form')(
  'redis-server restarted empty: the cluster recovers by itself and no seq is reused',
  async () => {
    redis = await startRedisServer();
    expect(await failedChecks(redisRestartScenario, context({ redisUrl: redis.url, redis }))).toEqual([]);
  },
  120_000,
);

singleRedisOnly('it starts a Sentinel setup of its own; the single-Redis pass runs it')(
  'kill -9 of the Redis master behind Sentinel: everything follows the promoted replica; nothing lost, duplicated or reordered',
  async () => {
    expect(await failedChecks(redisSentinelFailoverScenario, context())).toEqual([]);
  },
  120_000,
);

singleRedisOnly('the fault is in the store; the single-Redis pass runs it')(
  'a slow, then partitioned store: every send answered in time, nothing acked unstored, memory bounded, all recovers',
  async () => {
    expect(await failedChecks(slowStoreScenario, context())).toEqual([]);
  },
  120_000,
);

// Starts a Redis Cluster of its own (it kills one of its masters): run in the cluster pass only.
(onCluster ? test : test.skip)(
  'kill -9 of a Redis Cluster master under load: its replica takes over, every process follows by itself, refusals are UNAVAILABLE, no seq reused, nothing lost or doubled',
  async () => {
    expect(await failedChecks(redisClusterFailoverScenario, context())).toEqual([]);
  },
  120_000,
);
