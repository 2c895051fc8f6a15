import { cpus, loadavg } from 'node:os';
import { startMongoWire, startRedisServer, uniqueNamespace } from '@campzone/testkit';
import { secretTokenSource } from '../auth/token-source';
import { costKind, storeOpsPerMessage } from '../bench/bench-stats';
import { JWT_SECRET } from '../bench/bench-targets';
import { measureIdle, measurePhase, type RateStep } from '../bench/rate-search';
import { RedisStatsProbe } from '../bench/redis-stats';
import { StepProbe } from '../bench/step-probe';
import { LocalCluster } from '../cluster/local-cluster';
import { CpuSampler } from '../cluster/process-stats';
import { DEFAULT_TUNING } from '../load/client-tuning';
import { LoadRun } from '../load/load-run';
import { newRunId } from '../load/room-plan';
import { type Demand, demandAt } from './capacity-model';
import type { CapacityCosts } from './cost-profile';

/** What the model predicted and what was measured for one figure at one load. */
export interface CheckRow {
  msgsPerSec: number;
  figure: keyof Demand;
  predicted: number;
  measured: number;
}

const CHECKED: Array<keyof Demand> = [
  'gatewayCores',
  'workerCores',
  'workerJobsPerSec',
  'redisCommandsPerSec',
  'redisCores',
  'storeWritesPerSec',
  'storeReadsPerSec',
];

/** The figures a step measured, in the model's terms (per second). */
export function measuredDemand(step: RateStep): Demand {
  const s = step.intervalSeconds;
  const cores = (kind: string) =>
    Object.entries(step.cpuSeconds)
      .filter(([name]) => costKind(name) === kind)
      .reduce((a, [, v]) => a + v, 0) / s;
  const store = storeOpsPerMessage(step.breakdown?.written ?? {}, step.breakdown?.mongo ?? {}, 1);
  return {
    gatewayCores: cores('gateway'),
    workerCores: cores('worker'),
    workerJobsPerSec: Object.values(step.breakdown?.workerJobs ?? {}).reduce((a, b) => a + b, 0) / s,
    redisCommandsPerSec: (step.redisStats?.commands ?? 0) / s,
    redisBytesPerSec: ((step.redisStats?.netInputBytes ?? 0) + (step.redisStats?.netOutputBytes ?? 0)) / s,
    redisCores: cores('redis'),
    storeWritesPerSec: (store?.writes ?? 0) / s,
    storeReadsPerSec: (store?.reads ?? 0) / s,
  };
}

/** Predicted against measured for one step: the model fed the rates the step really ran at. */
export function compareStep(costs: CapacityCosts, step: RateStep, connections: number, gateways: number): CheckRow[] {
  const msgsPerSec = step.interval.accepted / step.intervalSeconds;
  const predicted = demandAt(costs, {
    msgsPerSec,
    deliveriesPerSec: step.interval.deliveries / step.intervalSeconds,
    connections,
    gatewayPods: gateways,
    workerPods: 1,
  });
  const measured = measuredDemand(step);
  return CHECKED.map((figure) => ({ msgsPerSec, figure, predicted: predicted[figure], measured: measured[figure] }));
}

function fmt(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value >= 100 ? 0 : value >= 1 ? 2 : 4 });
}

/** The comparison as a markdown table (docs/capacity.md shows it). */
export function formatCheck(rows: CheckRow[]): string {
  return [
    '| msgs/s (measured) | figure | predicted | measured | predicted / measured |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${fmt(r.msgsPerSec)} | ${r.figure} | ${fmt(r.predicted)} | ${fmt(r.measured)} | ${r.measured > 0 ? fmt(r.predicted / r.measured) : '-'} |`,
    ),
  ].join('\n');
}

/**
 * `npm run capacity -- --check`: a fresh cluster of the bench's shape (3 gateways + worker, the
 * profile's rooms x members), standing still first, then two message rates; at each, the
 * model's prediction for the rates reached beside what was measured.
 */
export async function runCapacityCheck(costs: CapacityCosts, rates: [number, number], json: boolean): Promise<number> {
  const log = (line: string) => console.error(`[capacity] ${line}`);
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  log(`machine load average ${loadAtStart.join(' / ')} (${cpus().length} cores)`);
  const redis = await startRedisServer();
  const mongo = await startMongoWire({ log: (l) => log(`mongo: ${l}`) });
  const { rooms, membersPerRoom, sendersPerRoom, payloadBytes, gateways } = costs.layout;
  let cluster: LocalCluster | undefined;
  let run: LoadRun | undefined;
  let stats: RedisStatsProbe | undefined;
  try {
    cluster = await LocalCluster.start({
      gateways,
      services: { redisUrl: redis.url, mongoUrl: mongo.url },
      namespace: uniqueNamespace('capacity-check'),
      jwtSecret: JWT_SECRET,
      worker: true,
      log,
    });
    const live = cluster;
    run = await LoadRun.start(
      {
        urls: live.urls,
        runId: newRunId(),
        rooms,
        membersPerRoom,
        sendersPerRoom,
        payloadBytes,
        tokens: secretTokenSource(JWT_SECRET),
        tuning: DEFAULT_TUNING,
        connectConcurrency: 50,
        connectTimeoutMs: 30_000,
      },
      log,
    );
    stats = await RedisStatsProbe.open(redis.url);
    const metrics = () => {
      const urls: Record<string, string> = {};
      for (const g of live.gateways) if (g.proc.running) urls[g.name] = `${g.url}/metrics`;
      if (live.worker?.running) urls.worker = `http://127.0.0.1:${live.workerPort}/metrics`;
      return urls;
    };
    const measure = {
      cpu: new CpuSampler(() => ({ ...live.pids(), redis: redis.process.pid })),
      probe: new StepProbe(metrics),
      redisStats: stats,
      p99LimitMs: 100,
    };
    // Warm-up: the first messages pay for connections' first writes and JIT, not per message.
    await measureIdle(3000, measure);
    await measurePhase(run, { rate: rates[0], durationMs: 3000, rampUpMs: 500 }, measure);
    const rows: CheckRow[] = [];
    for (const rate of rates) {
      log(`${rate} msgs/s for 10 s`);
      const step = await measurePhase(run, { rate, durationMs: 10_000, rampUpMs: 1000 }, measure);
      rows.push(...compareStep(costs, step, rooms * membersPerRoom, gateways));
    }
    const loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
    if (json) console.log(JSON.stringify({ tool: 'campzone-capacity-check', loadAtStart, loadAtEnd, costs: costs.measuredAt, rows }));
    else {
      console.log(formatCheck(rows));
      console.log(
        `\nMachine load average ${loadAtStart.join('/')} at the start, ${loadAtEnd.join('/')} at the end (${cpus().length} cores).`,
      );
    }
    return 0;
  } finally {
    await stats?.close();
    await run?.close();
    await cluster?.stop();
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  }
}
