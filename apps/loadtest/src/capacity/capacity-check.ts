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
  /** rooms x members of the measured load. */
  size?: string;
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
    '| rooms x members | msgs/s (measured) | figure | predicted | measured | predicted / measured |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.size ?? '-'} | ${fmt(r.msgsPerSec)} | ${r.figure} | ${fmt(r.predicted)} | ${fmt(r.measured)} | ${r.measured > 0 ? fmt(r.predicted / r.measured) : '-'} |`,
    ),
  ].join('\n');
}

/** One measured load of the check: its own clients on the same cluster. */
export interface CheckSize {
  rooms: number;
  members: number;
  rate: number;
}

/** `10x10@2,20x20@4` -> two sizes; undefined when it is not that shape. */
export function parseCheckSizes(text: string): CheckSize[] | undefined {
  const sizes = text.split(',').map((part) => {
    const match = /^(\d+)x(\d+)@(\d+)$/.exec(part.trim());
    return match ? { rooms: Number(match[1]), members: Number(match[2]), rate: Number(match[3]) } : undefined;
  });
  return sizes.length >= 1 && sizes.every((s) => s !== undefined && s.rooms >= 1 && s.members >= 2 && s.rate >= 1)
    ? (sizes as CheckSize[])
    : undefined;
}

/**
 * `npm run capacity -- --check`: a fresh cluster of the bench's shape (3 gateways + worker); for
 * each size, fresh clients (rooms x members, the profile's senders per room), a warm-up, then
 * 10 s at its rate; the model's prediction for the rates and connections reached beside what
 * was measured.
 */
export async function runCapacityCheck(costs: CapacityCosts, sizes: CheckSize[], json: boolean): Promise<number> {
  const log = (line: string) => console.error(`[capacity] ${line}`);
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  log(`machine load average ${loadAtStart.join(' / ')} (${cpus().length} cores)`);
  const redis = await startRedisServer();
  const mongo = await startMongoWire({ log: (l) => log(`mongo: ${l}`) });
  const { sendersPerRoom, payloadBytes, gateways } = costs.layout;
  let cluster: LocalCluster | undefined;
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
    const rows: CheckRow[] = [];
    for (const size of sizes) {
      const run = await LoadRun.start(
        {
          urls: live.urls,
          runId: newRunId(),
          rooms: size.rooms,
          membersPerRoom: size.members,
          sendersPerRoom: Math.min(sendersPerRoom, size.members),
          payloadBytes,
          tokens: secretTokenSource(JWT_SECRET),
          tuning: DEFAULT_TUNING,
          connectConcurrency: 50,
          connectTimeoutMs: 30_000,
        },
        log,
      );
      try {
        // Warm-up: a fresh member's first messages pay for first writes and JIT, not per message.
        await measureIdle(2000, measure);
        await measurePhase(run, { rate: size.rate, durationMs: 3000, rampUpMs: 500 }, measure);
        log(`${size.rooms} rooms x ${size.members} members, ${size.rate} msgs/s for 10 s`);
        const step = await measurePhase(run, { rate: size.rate, durationMs: 10_000, rampUpMs: 1000 }, measure);
        rows.push(
          ...compareStep(costs, step, size.rooms * size.members, gateways).map((r) => ({ ...r, size: `${size.rooms}x${size.members}` })),
        );
      } finally {
        await run.close();
      }
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
    await cluster?.stop();
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  }
}
