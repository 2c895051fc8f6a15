import type { FinalCheck, PhaseResult } from '../load/load-run';
import { num, textTable } from '../report/text-table';
import type { IdleMemoryResult } from './idle-memory';
import type { InsertRateResult } from './insert-rate';
import type { RateStep } from './rate-search';

export interface TargetResult {
  target: 'cluster' | 'cluster-no-worker' | 'bare';
  urls: string[];
  maxAcceptedPerSec: number;
  best: RateStep | undefined;
  steps: RateStep[];
  half: PhaseResult | undefined;
  /** Verdict of the search run (every step, the overloads included). */
  final: FinalCheck | undefined;
  /** Verdict of the fresh half-rate run. */
  halfFinal?: FinalCheck | undefined;
  memory: IdleMemoryResult | undefined;
  /** Whether the MongoDB-wire server still answered on the run's database afterwards. */
  storeAnswering?: boolean;
}

export interface Breakdown {
  insert: InsertRateResult[];
  sync: { docs: number; ms: number; pushdown: boolean } | undefined;
  mongoKind: string;
}

export interface BenchSummary {
  tool: 'campzone-bench';
  command: string;
  layout: { rooms: number; membersPerRoom: number; sendersPerRoom: number; payloadBytes: number };
  machine: { loadAverageAtStart: number; loadAverageAtEnd: number };
  cluster: TargetFigures;
  clusterNoWorker: TargetFigures | undefined;
  bare: TargetFigures;
  throughputRatio: number;
  memoryRatio: Record<string, number>;
  correctness: FinalCheck['correctness'] | undefined;
  targets: { throughput: boolean; latency: boolean; memory: boolean; correctness: boolean };
  breakdown: Breakdown;
}

interface TargetFigures {
  maxAcceptedPerSec: number;
  /** No step failed before the search ran out of steps or time: the real maximum is higher. */
  maxIsLowerBound: boolean;
  halfRateP99Ms: number | undefined;
  bytesPerIdleConnection: Record<string, number>;
  violations: number | undefined;
}

function figures(t: TargetResult): TargetFigures {
  return {
    maxAcceptedPerSec: t.maxAcceptedPerSec,
    maxIsLowerBound: neverFailed(t),
    halfRateP99Ms: t.half?.sendToReceive.p99,
    bytesPerIdleConnection: Object.fromEntries((t.memory?.points ?? []).map((p) => [String(p.connections), p.bytesPerConnection])),
    violations: t.final === undefined ? undefined : t.final.violations + (t.halfFinal?.violations ?? 0),
  };
}

function neverFailed(t: TargetResult): boolean {
  return t.steps.length > 0 && t.steps.every((s) => s.passed);
}

export function summarize(
  cluster: TargetResult,
  bare: TargetResult,
  breakdown: Breakdown,
  layout: BenchSummary['layout'],
  command: string,
  variant: TargetResult | undefined,
  machine: BenchSummary['machine'],
): BenchSummary {
  const c = figures(cluster);
  const b = figures(bare);
  const memoryRatio = Object.fromEntries(
    Object.keys(c.bytesPerIdleConnection)
      .filter((k) => b.bytesPerIdleConnection[k])
      .map((k) => [k, round2(c.bytesPerIdleConnection[k]! / b.bytesPerIdleConnection[k]!)]),
  );
  const ratio = b.maxAcceptedPerSec > 0 ? Math.round((c.maxAcceptedPerSec / b.maxAcceptedPerSec) * 10_000) / 10_000 : 0;
  const violations = c.violations ?? 1;
  return {
    tool: 'campzone-bench',
    command,
    layout,
    machine,
    cluster: c,
    clusterNoWorker: variant ? figures(variant) : undefined,
    bare: b,
    throughputRatio: ratio,
    memoryRatio,
    correctness: cluster.final?.correctness,
    targets: {
      throughput: ratio >= 0.4 && violations === 0,
      latency: c.halfRateP99Ms !== undefined && c.halfRateP99Ms <= 50,
      memory: Object.keys(memoryRatio).length > 0 && Object.values(memoryRatio).every((r) => r <= 1.5),
      correctness: violations === 0,
    },
    breakdown,
  };
}

export function formatBench(summary: BenchSummary, cluster: TargetResult, bare: TargetResult, variant?: TargetResult): string {
  const lat = (p: PhaseResult | undefined) => (p ? `${p.sendToReceive.p50} / ${p.sendToReceive.p99}` : '-');
  const kib = (b: number | undefined) => (b === undefined ? '-' : `${(b / 1024).toFixed(1)} KiB`);
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const verdict = (t: TargetResult | undefined) => {
    const one = (f: FinalCheck | undefined) => (f ? `${f.correctness.lost}/${f.correctness.duplicated}/${f.correctness.misordered}` : '-');
    return `${one(t?.final)} | ${one(t?.halfFinal)}${t?.storeAnswering === false ? ' (store wedged)' : ''}`;
  };
  const targets = [cluster, ...(variant ? [variant] : []), bare];
  const col = (f: (t: TargetResult) => string) => targets.map(f);
  const rows: string[][] = [
    [
      `max accepted msg/s (fan-out ${summary.layout.membersPerRoom})`,
      ...col((t) => `${neverFailed(t) ? '>= ' : ''}${num(t.maxAcceptedPerSec, 1)}`),
      `${(summary.throughputRatio * 100).toFixed(1)}% of bare (>= 40%: ${mark(summary.targets.throughput)})`,
    ],
    ['deliveries/s at max', ...col((t) => num(t.best?.deliveriesPerSec ?? 0, 0)), ''],
    ['send-to-receive p50 / p99 ms at max', ...col((t) => lat(t.best)), ''],
    ['send-to-ack p99 ms at max', ...col((t) => String(t.best?.sendToAck.p99 ?? '-')), ''],
    ['recv p50 / p99 ms at half max (fresh run)', ...col((t) => lat(t.half)), `cluster p99 <= 50 ms: ${mark(summary.targets.latency)}`],
  ];
  for (const level of Object.keys(summary.cluster.bytesPerIdleConnection)) {
    rows.push([
      `RSS per idle connection @ ${num(Number(level))}`,
      ...col((t) => kib(figures(t).bytesPerIdleConnection[level])),
      summary.memoryRatio[level] === undefined
        ? ''
        : `${summary.memoryRatio[level]}x (<= 1.5x: ${mark(summary.memoryRatio[level]! <= 1.5)})`,
    ]);
  }
  rows.push(['lost/dup/misordered: search | half run', ...col(verdict), `cluster: ${mark(summary.targets.correctness)}`]);
  const names = { cluster: 'cluster (3 gw + worker)', 'cluster-no-worker': 'cluster, no worker', bare: 'bare (3 procs)' };
  const table = textTable(['', ...targets.map((t) => names[t.target]), 'vs target'], rows);
  const steps = (t: TargetResult) =>
    textTable(
      [`${t.target}: offered/s`, 'accepted/s', 'deliveries/s', 'recv p50', 'recv p99', 'ack p99', 'result', 'cpu (cores)'],
      t.steps.map((s) => [
        num(s.rate),
        num(s.acceptedPerSec, 1),
        num(s.deliveriesPerSec, 0),
        String(s.sendToReceive.p50),
        String(s.sendToReceive.p99),
        String(s.sendToAck.p99),
        s.passed ? 'pass' : `FAIL: ${s.why}`,
        Object.entries(s.cpu)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ]),
    );
  const b = summary.breakdown;
  const breakdown = textTable(
    [`${b.mongoKind} alone: inserts through MessageWriter`, 'docs/s', 'mean batch', 'batch p50 ms', 'batch p99 ms'],
    b.insert.map((r) => [
      `${r.concurrency} writes waiting, batch <= ${r.maxBatch}, window ${r.windowMs} ms, ${r.maxInFlight} in flight`,
      num(r.docsPerSec),
      String(r.meanBatch),
      String(r.batchMs.p50),
      String(r.batchMs.p99),
    ]),
  );
  const sync = b.sync
    ? `one sync-shaped query (roomId + seq range, sorted) over ${num(b.sync.docs)} stored messages: ${b.sync.ms} ms (filter pushdown: ${b.sync.pushdown ? 'yes' : 'no: a full collection scan'})`
    : 'sync-shaped query: not measured';
  const wedged = targets.filter((t) => t.storeAnswering === false).map((t) => t.target);
  const unbounded = targets.filter(neverFailed).map((t) => t.target);
  const notes = [
    `machine load average: ${summary.machine.loadAverageAtStart.toFixed(2)} at start, ${summary.machine.loadAverageAtEnd.toFixed(2)} at end (2 cores)`,
    ...(wedged.length ? [`the MongoDB-wire server stopped answering on the database of: ${wedged.join(', ')}`] : []),
    ...(unbounded.length
      ? [`>= : no step failed before the search ran out of steps or time (${unbounded.join(', ')}); the maximum is higher`]
      : []),
  ];
  return [table, '', ...targets.flatMap((t) => [steps(t), '']), breakdown, sync, '', ...notes].join('\n');
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
