import { startRedisServer } from '@campzone/testkit';
import { parseCommandArgs } from '../cli/command-args';
import { STORE_USAGE, type StoreKind, startOwnedStore, storeProblem } from '../cli/store-choice';
import { textTable } from '../report/text-table';
import { type ChaosScenario, runScenario, type ScenarioOutcome } from './chaos-scenario';
import { gatewayKillScenario } from './gateway-kill.scenario';
import { malformedFloodScenario } from './malformed-flood.scenario';
import { mongoStopScenario } from './mongo-stop.scenario';
import { reconnectStormScenario } from './reconnect-storm.scenario';
import { redisClusterFailoverScenario } from './redis-cluster-failover.scenario';
import { redisRestartScenario } from './redis-restart.scenario';
import { redisSentinelFailoverScenario } from './redis-sentinel-failover.scenario';
import { slowStoreScenario } from './slow-store.scenario';
import { workerKillScenario } from './worker-kill.scenario';

// `npm run chaos`: every scenario on its own fresh 3-gateway cluster, on a redis-server and a
// MongoDB-wire server this run owns (so it can kill and restart them). A CLI: it prints.

export const SCENARIOS: ChaosScenario[] = [
  gatewayKillScenario,
  reconnectStormScenario,
  redisRestartScenario,
  redisSentinelFailoverScenario,
  mongoStopScenario,
  workerKillScenario,
  malformedFloodScenario,
  slowStoreScenario,
  redisClusterFailoverScenario,
];

const USAGE = `Usage: npm run chaos [-- --only NAME[,NAME]] [--short] [--verbose] [--storm-clients N] [--store KIND]

Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
--short runs the seconds-long variants (the ones \`npm test\` runs).
--storm-clients N: the reconnect storm's client count (default 5000; 300 with --short).
${STORE_USAGE}
Prints one line per check, a table, and one JSON line per scenario; exit 1 if any check fails.`;

export async function runChaosCli(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    argv,
    {
      only: { type: 'string' },
      short: { type: 'boolean' },
      verbose: { type: 'boolean' },
      'storm-clients': { type: 'string' },
      store: { type: 'string' },
      'postgres-url': { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const wanted = values.only?.split(',').map((s) => s.trim());
  const unknown = wanted?.filter((w) => !SCENARIOS.some((s) => s.name === w)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const stormClients = values['storm-clients'] === undefined ? undefined : Number(values['storm-clients']);
  if (stormClients !== undefined && !(Number.isInteger(stormClients) && stormClients >= 30)) {
    console.error(`--storm-clients must be an integer of at least 30\n\n${USAGE}`);
    return 2;
  }
  const store = (values.store ?? 'sqlite') as StoreKind;
  const badStore = storeProblem(store);
  if (badStore) {
    console.error(`${badStore}\n\n${USAGE}`);
    return 2;
  }
  const selected = SCENARIOS.filter((s) => !wanted || wanted.includes(s.name));
  const log = (line: string) => console.error(`[chaos] ${line}`);
  log('starting redis-server and the MongoDB-wire server (owned by this run, so they can be killed)');
  const redis = await startRedisServer();
  const owned = await startOwnedStore(store, values['postgres-url'], log).catch(async (err: unknown) => {
    await redis.stop();
    throw err;
  });
  const { mongo } = owned;
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const scenario of selected) {
      log(`${scenario.name}: ${scenario.title}`);
      const outcome = await runScenario(scenario, {
        services: { redisUrl: redis.url, mongoUrl: mongo.url, redis, mongo },
        scale: values.short ? 'short' : 'full',
        log,
        verbose: values.verbose === true,
        ...(stormClients !== undefined ? { stormClients } : {}),
      });
      outcomes.push(outcome);
      for (const c of outcome.checks) log(`  ${c.passed ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`);
      if (outcome.skipped) log(`  SKIPPED: ${outcome.skipped}`);
    }
  } finally {
    await Promise.allSettled([redis.stop(), owned.stop()]);
  }
  console.log(
    textTable(
      ['scenario', 'result', 'checks passed', 'seconds'],
      outcomes.map((o) => [
        o.title,
        o.skipped ? 'SKIPPED' : o.passed ? 'PASS' : 'FAIL',
        `${o.checks.filter((c) => c.passed).length}/${o.checks.length}`,
        String(o.seconds),
      ]),
    ),
  );
  for (const o of outcomes) console.log(JSON.stringify({ tool: 'campzone-chaos', ...o }));
  const failed = outcomes.filter((o) => !o.skipped && !o.passed);
  console.log(failed.length === 0 ? 'CHAOS: PASS' : `CHAOS: FAIL (${failed.map((o) => o.name).join(', ')})`);
  return failed.length === 0 ? 0 : 1;
}
