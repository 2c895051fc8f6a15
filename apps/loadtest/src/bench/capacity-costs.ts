import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CapacityCosts } from '../capacity/cost-profile';
import type { BenchSummary, TargetResult } from './bench-report';
import { costKind, spread, storeOpsPerMessage } from './bench-stats';

type PerRun = { perMessage: CapacityCosts['perMessage']; background: CapacityCosts['background'] };

/** CPU seconds by kind of process (gateway-1..3 add up). */
function byKind(cpuSeconds: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(cpuSeconds)) out[costKind(name)] = (out[costKind(name)] ?? 0) + seconds;
  return out;
}

function sum(values: Record<string, number> | undefined): number {
  return Object.values(values ?? {}).reduce((a, b) => a + b, 0);
}

/**
 * One round's costs from its fresh half-rate run: the phase at half the maximum, minus what
 * the same run cost standing still for as long (presence, sweeps and timers are not per message).
 */
export function runCosts(result: TargetResult, connections: number, gateways: number): PerRun | undefined {
  const half = result.half;
  const idle = result.idle;
  if (!half || !idle || half.interval.accepted <= 0 || half.interval.deliveries <= 0 || idle.seconds <= 0) return undefined;
  const messages = half.interval.accepted;
  const scale = half.intervalSeconds / idle.seconds;
  const busy = byKind(half.cpuSeconds);
  const still = byKind(idle.cpuSeconds);
  const net = (kind: string) => Math.max(0, (busy[kind] ?? 0) - (still[kind] ?? 0) * scale);
  const idleStore = storeOpsPerMessage(idle.breakdown?.written ?? {}, idle.breakdown?.mongo ?? {}, 1);
  const busyStore = storeOpsPerMessage(half.breakdown?.written ?? {}, half.breakdown?.mongo ?? {}, 1);
  const bytes = (writes: Record<string, { bytes: number }> | undefined) => Object.values(writes ?? {}).reduce((a, w) => a + w.bytes, 0);
  const perMessage = (busyTotal: number, idleTotal: number) => Math.max(0, busyTotal - idleTotal * scale) / messages;
  const idleRedis = idle.redisStats;
  const busyRedis = half.redisStats;
  return {
    perMessage: {
      deliveries: half.interval.deliveries / messages,
      gatewayCpuSecondsPerDelivery: net('gateway') / half.interval.deliveries,
      workerCpuSeconds: net('worker') / messages,
      workerJobs: perMessage(sum(half.breakdown?.workerJobs), sum(idle.breakdown?.workerJobs)),
      redisCommands: perMessage(busyRedis?.commands ?? 0, idleRedis?.commands ?? 0),
      redisBytesIn: perMessage(busyRedis?.netInputBytes ?? 0, idleRedis?.netInputBytes ?? 0),
      redisBytesOut: perMessage(busyRedis?.netOutputBytes ?? 0, idleRedis?.netOutputBytes ?? 0),
      redisCpuSeconds: net('redis') / messages,
      storeWrites: perMessage(busyStore?.writes ?? 0, idleStore?.writes ?? 0),
      storeReads: perMessage(busyStore?.reads ?? 0, idleStore?.reads ?? 0),
      storeBytesWritten: perMessage(bytes(half.breakdown?.written), bytes(idle.breakdown?.written)),
    },
    background: {
      gatewayCoresPerPod: (still.gateway ?? 0) / idle.seconds / gateways,
      workerCoresPerPod: (still.worker ?? 0) / idle.seconds,
      redisCommandsPerSecPerConnection: (idleRedis?.commands ?? 0) / idle.seconds / connections,
      storeWritesPerSec: (idleStore?.writes ?? 0) / idle.seconds,
      storeReadsPerSec: (idleStore?.reads ?? 0) / idle.seconds,
      workerJobsPerSec: sum(idle.breakdown?.workerJobs) / idle.seconds,
    },
  };
}

/** The median of each figure over the rounds, rounded to what the measurement can tell. */
function medians<T extends Record<string, number>>(rows: T[]): T {
  const out: Record<string, number> = {};
  for (const key of Object.keys(rows[0] ?? {})) out[key] = significant(spread(rows.map((r) => r[key]))?.median ?? 0);
  return out as T;
}

/** Four significant digits: the rounds disagree long before that. */
function significant(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(4));
}

/**
 * The cost profile of a bench: the cluster's rounds (target `cluster`), their medians. Undefined
 * when no round has a half-rate run with its standing-still window (nothing to plan with).
 */
export function capacityCosts(summary: BenchSummary, cluster: TargetResult[]): CapacityCosts | undefined {
  const gateways = 3;
  const connections = summary.layout.rooms * summary.layout.membersPerRoom;
  const rounds = cluster.map((r) => runCosts(r, connections, gateways)).filter((r): r is PerRun => r !== undefined);
  if (rounds.length === 0) return undefined;
  const maxima = cluster
    .map((r) => r.best)
    .filter((b) => b !== undefined)
    .map((best) => {
      const gatewayCores = Object.entries(best.cpu)
        .filter(([name]) => costKind(name) === 'gateway')
        .reduce((a, [, share]) => a + share, 0);
      return {
        msgsPerSec: best.acceptedPerSec,
        deliveriesPerSec: best.deliveriesPerSec,
        gatewayCores,
        deliveriesPerSecPerGatewayCore: gatewayCores > 0 ? best.deliveriesPerSec / gatewayCores : 0,
      };
    });
  const levels = Object.entries(summary.targets.cluster?.bytesPerIdleConnection ?? {}).sort((a, b) => Number(b[0]) - Number(a[0]));
  return {
    tool: 'campzone-capacity-costs',
    measuredAt: summary.startedAt,
    command: summary.command,
    machine: summary.machine,
    store: summary.store,
    layout: { ...summary.layout, connections, gateways },
    runs: rounds.length,
    perMessage: medians(rounds.map((r) => r.perMessage)),
    background: medians(rounds.map((r) => r.background)),
    bytesPerIdleConnection: levels[0] ? Math.round(levels[0][1].median) : undefined,
    measuredMax: maxima.length
      ? medians(maxima)
      : { msgsPerSec: 0, deliveriesPerSec: 0, gatewayCores: 0, deliveriesPerSecPerGatewayCore: 0 },
  };
}

/** Writes the profile as `capacity-costs.json` in `outDir`; answers the path. */
export async function writeCapacityCosts(costs: CapacityCosts, outDir: string): Promise<string> {
  const path = join(outDir, 'capacity-costs.json');
  await writeFile(path, `${JSON.stringify(costs, null, 2)}\n`);
  return path;
}
