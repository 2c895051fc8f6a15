import type { FinalCheck, PhaseResult } from '../load/load-run';
import { num, textTable } from '../report/text-table';
import type { IdleMemoryResult } from './idle-memory';
import type { InsertRateResult } from './insert-rate';
import type { RateStep } from './rate-search';

export interface TargetResult {
  target: 'cluster' | 'bare';
  urls: string[];
  maxAcceptedPerSec: number;
  best: RateStep | undefined;
  steps: RateStep[];
  half: PhaseResult | undefined;
  final: FinalCheck | undefined;
  memory: IdleMemoryResult | undefined;
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
  cluster: { maxAcceptedPerSec: number; halfRateP99Ms: number | undefined; bytesPerIdleConnection: Record<string, number> };
  bare: { maxAcceptedPerSec: number; halfRateP99Ms: number | undefined; bytesPerIdleConnection: Record<string, number> };
  throughputRatio: number;
  memoryRatio: Record<string, number>;
  correctness: FinalCheck['correctness'] | undefined;
  targets: { throughput: boolean; latency: boolean; memory: boolean; correctness: boolean };
  breakdown: Breakdown;
}

export function summarize(
  cluster: TargetResult,
  bare: TargetResult,
  breakdown: Breakdown,
  layout: BenchSummary['layout'],
  command: string,
): BenchSummary {
  const perConn = (t: TargetResult) =>
    Object.fromEntries((t.memory?.points ?? []).map((p) => [String(p.connections), p.bytesPerConnection]));
  const clusterMem = perConn(cluster);
  const bareMem = perConn(bare);
  const memoryRatio = Object.fromEntries(
    Object.keys(clusterMem)
      .filter((k) => bareMem[k])
      .map((k) => [k, round2(clusterMem[k]! / bareMem[k]!)]),
  );
  const ratio = bare.maxAcceptedPerSec > 0 ? round2(cluster.maxAcceptedPerSec / bare.maxAcceptedPerSec) : 0;
  const halfP99 = cluster.half?.sendToReceive.p99;
  const correctness = cluster.final?.correctness;
  const violations = cluster.final?.violations ?? 1;
  return {
    tool: 'campzone-bench',
    command,
    layout,
    cluster: { maxAcceptedPerSec: cluster.maxAcceptedPerSec, halfRateP99Ms: halfP99, bytesPerIdleConnection: clusterMem },
    bare: { maxAcceptedPerSec: bare.maxAcceptedPerSec, halfRateP99Ms: bare.half?.sendToReceive.p99, bytesPerIdleConnection: bareMem },
    throughputRatio: ratio,
    memoryRatio,
    correctness,
    targets: {
      throughput: ratio >= 0.4 && violations === 0,
      latency: halfP99 !== undefined && halfP99 <= 50,
      memory: Object.keys(memoryRatio).length > 0 && Object.values(memoryRatio).every((r) => r <= 1.5),
      correctness: violations === 0,
    },
    breakdown,
  };
}

export function formatBench(summary: BenchSummary, cluster: TargetResult, bare: TargetResult): string {
  const lat = (p: PhaseResult | undefined) => (p ? `${p.sendToReceive.p50} / ${p.sendToReceive.p99}` : '-');
  const kib = (b: number | undefined) => (b === undefined ? '-' : `${(b / 1024).toFixed(1)} KiB`);
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const c = summary.correctness;
  const rows: string[][] = [
    [
      `max accepted msg/s (fan-out ${summary.layout.membersPerRoom})`,
      num(cluster.maxAcceptedPerSec, 1),
      num(bare.maxAcceptedPerSec, 1),
      `${Math.round(summary.throughputRatio * 100)}% (>= 40%: ${mark(summary.targets.throughput)})`,
    ],
    ['deliveries/s at max', num(cluster.best?.deliveriesPerSec ?? 0, 0), num(bare.best?.deliveriesPerSec ?? 0, 0), ''],
    ['send-to-receive p50 / p99 ms at max', lat(cluster.best), lat(bare.best), ''],
    ['send-to-ack p99 ms at max', String(cluster.best?.sendToAck.p99 ?? '-'), String(bare.best?.sendToAck.p99 ?? '-'), ''],
    [
      `send-to-receive p50 / p99 ms at half max`,
      lat(cluster.half),
      lat(bare.half),
      `cluster p99 <= 50 ms: ${mark(summary.targets.latency)}`,
    ],
  ];
  for (const level of Object.keys(summary.cluster.bytesPerIdleConnection)) {
    rows.push([
      `RSS per idle connection @ ${num(Number(level))}`,
      kib(summary.cluster.bytesPerIdleConnection[level]),
      kib(summary.bare.bytesPerIdleConnection[level]),
      summary.memoryRatio[level] === undefined ? '' : `${summary.memoryRatio[level]}x (<= 1.5x)`,
    ]);
  }
  rows.push([
    'lost / duplicated / misordered (cluster)',
    c ? `${c.lost} / ${c.duplicated} / ${c.misordered}` : '-',
    '-',
    `order mismatches ${c?.orderMismatchRooms ?? '-'}, seq conflicts ${c?.seqConflicts ?? '-'}: ${mark(summary.targets.correctness)}`,
  ]);
  const table = textTable(['', 'cluster (3 gw + worker)', 'bare (3 procs)', 'vs target'], rows);
  const steps = (t: TargetResult) =>
    textTable(
      [`${t.target} steps: offered/s`, 'accepted/s', 'deliveries/s', 'recv p50', 'recv p99', 'ack p99', 'result', 'cpu (cores)'],
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
    [`${b.mongoKind} insert rate via MessageWriter`, 'docs/s', 'mean batch', 'batch p50 ms', 'batch p99 ms'],
    b.insert.map((r) => [
      `${r.concurrency} writes waiting, batch <= ${r.maxBatch}, window ${r.windowMs} ms`,
      num(r.docsPerSec),
      String(r.meanBatch),
      String(r.batchMs.p50),
      String(r.batchMs.p99),
    ]),
  );
  const sync = b.sync
    ? `one sync-shaped query over ${num(b.sync.docs)} stored messages: ${b.sync.ms} ms (filter pushdown: ${b.sync.pushdown ? 'yes' : 'no, a full collection scan'})`
    : '';
  return [table, '', steps(cluster), '', steps(bare), '', breakdown, sync].filter((s) => s !== undefined).join('\n');
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
