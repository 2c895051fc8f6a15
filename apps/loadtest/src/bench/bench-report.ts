import type { FinalCheck } from '../load/load-run';
import { num, textTable } from '../report/text-table';
import { cpuPerThousand, formatSpread, type Spread, type StoreOpsPerMessage, spread, storeOpsPerMessage } from './bench-stats';
import type { IdleMemoryResult } from './idle-memory';
import type { InsertRateResult } from './insert-rate';
import type { MachineReading } from './machine-probe';
import type { IdleStep, RateStep } from './rate-search';
import { describeBreakdown } from './step-probe';
import type { SettleResult } from './store-settle';

export type TargetName = 'cluster' | 'cluster-no-worker' | 'bare' | 'centrifugo';

/** One target in one round of the interleaved runs. */
export interface TargetResult {
  target: TargetName;
  urls: string[];
  maxAcceptedPerSec: number;
  best: RateStep | undefined;
  steps: RateStep[];
  /** Half of the maximum, on a fresh run. */
  half: RateStep | undefined;
  /** The cluster's half rate on this target (not the cluster itself): cost at one rate. */
  sameRate: RateStep | undefined;
  /** Verdict of the search run (every step, the overloads included). */
  final: FinalCheck | undefined;
  /** The fresh half-rate run standing still before its phase (cluster targets). */
  idle?: IdleStep | undefined;
  /** Verdict of the fresh half-rate run. */
  halfFinal?: FinalCheck | undefined;
  memory: IdleMemoryResult | undefined;
  /** Whether the MongoDB-wire server still answered on the run's database afterwards. */
  storeAnswering?: boolean;
  /** The wait for the MongoDB-wire server to go quiet before this target's round (absent in runs before it was added). */
  storeSettleBefore?: SettleResult;
  /** The same wait between the cluster's search and its half-rate run. */
  storeSettle?: SettleResult;
}

export interface Breakdown {
  insert: InsertRateResult[];
  sync: { docs: number; ms: number; pushdown: boolean } | undefined;
  mongoKind: string;
}

export interface TargetSummary {
  runs: number;
  max: Spread | undefined;
  /** Some run's search never failed: that run's maximum is a lower bound. */
  maxIsLowerBound: boolean;
  halfP50Ms: Spread | undefined;
  halfP99Ms: Spread | undefined;
  /** Highest p99/p50 over the steps that passed, per run. */
  tailRatio: Spread | undefined;
  bytesPerIdleConnection: Record<string, Spread>;
  /**
   * The offered rate of the phase where costs are read, per round. Cost per delivery falls as the
   * rate rises, so a cost is only comparable with one read at a like rate.
   */
  costRate: Spread | undefined;
  /** CPU seconds per 1,000 deliveries by kind of process, at the cluster's half rate. */
  cpuPerThousand: Record<string, Spread>;
  /** Store operations per message at the cluster's half rate (targets with a store). */
  storeOps: Partial<Record<keyof StoreOpsPerMessage, Spread>>;
  violations: number | undefined;
}

export interface BenchSummary {
  tool: 'campzone-bench';
  command: string;
  startedAt: string;
  layout: { rooms: number; membersPerRoom: number; sendersPerRoom: number; payloadBytes: number };
  machine: MachineReading;
  store: string;
  runs: number;
  targets: Partial<Record<TargetName, TargetSummary>>;
  /**
   * Cluster maximum over bare maximum, per round, in percent. The ratios here are kept unrounded
   * and only the printed figures are rounded: a verdict read off a rounded median once called a
   * share of 24.98 % "met" against a 25 % target.
   */
  throughputRatio: Spread | undefined;
  /**
   * Gateway CPU per delivery over bare's, per round: the cluster's half-rate phase against the
   * same round's bare phase at that rate. Each target's median comes from its own rounds, and
   * cost per delivery falls as the rate rises, so only a round's pair is taken at one rate.
   */
  costRatio: Spread | undefined;
  /** Cluster RSS per idle connection over bare's, by connection count (medians). */
  memoryRatio: Record<string, number>;
  verdict: {
    throughput: boolean;
    latency: boolean;
    tail: boolean;
    memory: boolean;
    correctness: boolean;
    cost: boolean;
    storeWrites: boolean;
  };
  breakdown: Breakdown | undefined;
  /** Set when the rounds come from several saved runs (`--pool`): each run's start and machine. */
  pooled?: Array<{ startedAt: string; machine: MachineReading; runs: number }>;
}

/** "A and B", "A, B and C": how a pooled section names its runs. */
const RUN_LIST = new Intl.ListFormat('en-GB', { type: 'conjunction' });

export const TARGET_LABELS: Record<TargetName, string> = {
  cluster: 'cluster (3 gw + worker)',
  'cluster-no-worker': 'cluster, no worker',
  bare: 'bare Socket.IO (3 procs)',
  centrifugo: 'Centrifugo v6.9.1',
};

/** The phase where cost per delivery is read: the cluster's half rate on every target. */
function costPhase(t: TargetResult): RateStep | undefined {
  return t.target === 'cluster' || t.target === 'cluster-no-worker' ? t.half : t.sameRate;
}

function costOf(t: TargetResult | undefined): Record<string, number> | undefined {
  const phase = t && costPhase(t);
  return phase ? cpuPerThousand(phase.cpuSeconds, phase.interval.deliveries) : undefined;
}

function storeOpsOf(step: RateStep | undefined): StoreOpsPerMessage | undefined {
  // Only processes that talk to the store report its commands: the peers have none to count.
  if (!step?.breakdown || Object.keys(step.breakdown.mongo).length === 0) return undefined;
  return storeOpsPerMessage(step.breakdown.written, step.breakdown.mongo, step.interval.accepted);
}

function tailRatio(t: TargetResult): number | undefined {
  const ratios = t.steps.filter((s) => s.passed && s.sendToReceive.p50 > 0).map((s) => s.sendToReceive.p99 / s.sendToReceive.p50);
  return ratios.length ? Math.max(...ratios) : undefined;
}

function neverFailed(t: TargetResult): boolean {
  return t.steps.length > 0 && t.steps.every((s) => s.passed || s.overruled);
}

/** Every figure of one target across its runs: median and range. */
export function summarizeTarget(runs: TargetResult[]): TargetSummary {
  const levels = new Set(runs.flatMap((r) => (r.memory?.points ?? []).map((p) => String(p.connections))));
  const bytesPerIdleConnection: Record<string, Spread> = {};
  for (const level of levels) {
    const s = spread(runs.map((r) => r.memory?.points.find((p) => String(p.connections) === level)?.bytesPerConnection));
    if (s) bytesPerIdleConnection[level] = s;
  }
  const costs = runs.map(costOf);
  const cpu: Record<string, Spread> = {};
  for (const kind of new Set(costs.flatMap((c) => Object.keys(c ?? {})))) {
    const s = spread(costs.map((c) => c?.[kind]));
    if (s) cpu[kind] = s;
  }
  const ops = runs.map((r) => storeOpsOf(costPhase(r)));
  const storeOps: TargetSummary['storeOps'] = {};
  for (const field of ['inserts', 'updates', 'deletes', 'reads', 'writes', 'bytesWritten'] as const) {
    const s = spread(ops.map((o) => o?.[field]));
    if (s) storeOps[field] = s;
  }
  const finals = runs.flatMap((r) => [r.final, r.halfFinal]).filter((f): f is FinalCheck => f !== undefined);
  return {
    runs: runs.length,
    max: spread(runs.map((r) => r.maxAcceptedPerSec)),
    maxIsLowerBound: runs.some(neverFailed),
    halfP50Ms: spread(runs.map((r) => r.half?.sendToReceive.p50)),
    halfP99Ms: spread(runs.map((r) => r.half?.sendToReceive.p99)),
    tailRatio: spread(runs.map(tailRatio)),
    bytesPerIdleConnection,
    costRate: spread(runs.map((r) => costPhase(r)?.rate)),
    cpuPerThousand: cpu,
    storeOps,
    violations: finals.length ? finals.reduce((sum, f) => sum + f.violations, 0) : undefined,
  };
}

export function summarize(
  results: Partial<Record<TargetName, TargetResult[]>>,
  meta: Pick<BenchSummary, 'command' | 'startedAt' | 'layout' | 'machine' | 'store' | 'runs'>,
  breakdown: Breakdown | undefined,
): BenchSummary {
  const targets: BenchSummary['targets'] = {};
  for (const [name, runs] of Object.entries(results) as Array<[TargetName, TargetResult[]]>) {
    if (runs.length) targets[name] = summarizeTarget(runs);
  }
  const clusterRuns = results.cluster ?? [];
  const bareRuns = results.bare ?? [];
  const throughputRatio = spread(
    clusterRuns.map((c, i) => {
      const bare = bareRuns[i]?.maxAcceptedPerSec;
      return bare ? (c.maxAcceptedPerSec / bare) * 100 : undefined;
    }),
  );
  const costRatio = spread(
    clusterRuns.map((run, i) => {
      const [ours, theirs] = [costOf(run)?.gateway, costOf(bareRuns[i])?.bare];
      return ours !== undefined && theirs ? ours / theirs : undefined;
    }),
  );
  const c = targets.cluster;
  const b = targets.bare;
  const memoryRatio: Record<string, number> = {};
  for (const level of Object.keys(c?.bytesPerIdleConnection ?? {})) {
    const ours = c?.bytesPerIdleConnection[level]?.median;
    const theirs = b?.bytesPerIdleConnection[level]?.median;
    if (ours !== undefined && theirs) memoryRatio[level] = ours / theirs;
  }
  // Every target's verdict counts (a run without the cluster still checks its peers); a target
  // that never reached a final check counts as a violation: nothing was shown correct.
  const violations = Object.values(targets).reduce((sum, t) => sum + (t.violations ?? 1), 0);
  return {
    tool: 'campzone-bench',
    ...meta,
    targets,
    throughputRatio,
    costRatio,
    memoryRatio,
    verdict: {
      throughput: (throughputRatio?.median ?? 0) >= 25 && violations === 0,
      latency: (c?.halfP99Ms?.median ?? Number.POSITIVE_INFINITY) <= 50,
      tail: (c?.tailRatio?.median ?? Number.POSITIVE_INFINITY) <= 3,
      memory: Object.keys(memoryRatio).length > 0 && Object.values(memoryRatio).every((r) => r <= 1.5),
      correctness: violations === 0,
      cost: (costRatio?.median ?? Number.POSITIVE_INFINITY) <= 2,
      storeWrites: (c?.storeOps.writes?.median ?? Number.POSITIVE_INFINITY) <= 1.5,
    },
    breakdown,
  };
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
const kib = (s: Spread | undefined) =>
  s ? formatSpread({ median: s.median / 1024, min: s.min / 1024, max: s.max / 1024, runs: s.runs }, 1, ' KiB') : '-';

/** The headline rows: one column per target, each cell a median with its range. */
function headlineRows(summary: BenchSummary, names: TargetName[]): string[][] {
  const col = (f: (t: TargetSummary) => string) => names.map((n) => f(summary.targets[n]!));
  const v = summary.verdict;
  const rows: string[][] = [
    [
      `max accepted msg/s (fan-out ${summary.layout.membersPerRoom})`,
      ...col((t) => `${t.maxIsLowerBound ? '>= ' : ''}${formatSpread(t.max)}`),
      // Two decimals: with one, a median just under the target printed as 25.0 % beside MISSED.
      `cluster ${formatSpread(summary.throughputRatio, 2, '%')} of bare (>= 25%: ${mark(v.throughput)})`,
    ],
    ['recv p50 ms at half max', ...col((t) => formatSpread(t.halfP50Ms)), ''],
    ['recv p99 ms at half max', ...col((t) => formatSpread(t.halfP99Ms)), `cluster <= 50 ms: ${mark(v.latency)}`],
    ['worst p99/p50 over passing steps', ...col((t) => formatSpread(t.tailRatio, 1, 'x')), `cluster <= 3x: ${mark(v.tail)}`],
  ];
  const levels = new Set(names.flatMap((n) => Object.keys(summary.targets[n]!.bytesPerIdleConnection)));
  for (const level of levels) {
    const ratio = summary.memoryRatio[level];
    rows.push([
      `RSS per idle connection @ ${num(Number(level))}`,
      ...col((t) => kib(t.bytesPerIdleConnection[level])),
      ratio === undefined ? '' : `cluster ${ratio.toFixed(2)}x bare (<= 1.5x: ${mark(ratio <= 1.5)})`,
    ]);
  }
  if (summary.costRatio) {
    rows.push([
      "gateway CPU per delivery over bare's, same rate",
      ...names.map((n) => (n === 'cluster' ? formatSpread(summary.costRatio, 2, 'x') : '-')),
      `cluster <= 2x: ${mark(v.cost)}`,
    ]);
  }
  rows.push([
    'lost + duplicated + misordered (all runs)',
    ...col((t) => (t.violations === undefined ? '-' : String(t.violations))),
    `0 everywhere: ${mark(v.correctness)}`,
  ]);
  return rows;
}

function costRows(summary: BenchSummary, names: TargetName[]): string[][] {
  const kinds = ['gateway', 'worker', 'bare', 'centrifugo', 'redis', 'store', 'loadgen', 'total'].filter((k) =>
    names.some((n) => summary.targets[n]!.cpuPerThousand[k]),
  );
  const rows = kinds.map((kind) => [
    `CPU s per 1,000 deliveries: ${kind}`,
    ...names.map((n) => formatSpread(summary.targets[n]!.cpuPerThousand[kind], 3)),
  ]);
  // Once, under the cluster: the other targets' cost phases run at the rate of its own round.
  const rate = summary.targets.cluster?.costRate;
  if (!rate) return rows;
  return [['offered msg/s where costs are read', ...names.map((n) => (n === 'cluster' ? formatSpread(rate) : '-'))], ...rows];
}

function storeRows(summary: BenchSummary, names: TargetName[]): string[][] {
  const fields: Array<[keyof StoreOpsPerMessage, string]> = [
    ['inserts', 'documents inserted'],
    ['updates', 'update statements'],
    ['deletes', 'delete statements'],
    ['writes', 'store writes (all)'],
    ['reads', 'read commands'],
    ['bytesWritten', 'BSON bytes written'],
  ];
  return fields
    .filter(([field]) => names.some((n) => summary.targets[n]!.storeOps[field]))
    .map(([field, label]) => [
      `per message: ${label}`,
      ...names.map((n) => formatSpread(summary.targets[n]!.storeOps[field], field === 'bytesWritten' ? 0 : 2)),
    ]);
}

function presentTargets(summary: BenchSummary): TargetName[] {
  return (['cluster', 'cluster-no-worker', 'bare', 'centrifugo'] as const).filter((n) => summary.targets[n]);
}

/** The plain-text report: headline, costs, then every run's steps with their breakdowns. */
export function formatBench(summary: BenchSummary, results: Partial<Record<TargetName, TargetResult[]>>): string {
  const names = presentTargets(summary);
  const header = ['', ...names.map((n) => TARGET_LABELS[n])];
  const table = textTable([...header, 'vs target'], headlineRows(summary, names));
  const v = summary.verdict;
  const costs = textTable(
    [`at the cluster's half rate`, ...names.map((n) => TARGET_LABELS[n])],
    [...costRows(summary, names), ...storeRows(summary, names)],
  );
  const stepTables: string[] = [];
  for (const name of names) {
    for (const [i, run] of (results[name] ?? []).entries()) {
      const lines = [`${name}, run ${i + 1}: offered/s -> accepted/s, deliveries/s, recv p50/p99 ms, ack p99 ms, result, cpu (cores)`];
      for (const s of [...run.steps, ...(run.half ? [run.half] : []), ...(run.sameRate ? [run.sameRate] : [])]) {
        const label = s === run.half ? 'half' : s === run.sameRate ? 'same-rate' : 'step';
        const cpu = Object.entries(s.cpu)
          .map(([k, c]) => `${k}=${c}`)
          .join(' ');
        lines.push(
          `  ${label} ${num(s.rate)}/s -> ${num(s.acceptedPerSec, 1)}/s, ${num(s.deliveriesPerSec, 0)}/s, ${s.sendToReceive.p50}/${s.sendToReceive.p99}, ` +
            `${s.sendToAck.p99}, ${s.passed ? 'pass' : `FAIL: ${s.why}${s.overruled ? ' (its repeat passed)' : ''}`}, ${cpu}`,
        );
        if (s.breakdown) lines.push(`      ${describeBreakdown(s.breakdown)}`);
      }
      stepTables.push(lines.join('\n'));
    }
  }
  const b = summary.breakdown;
  const alone = b
    ? [
        textTable(
          [`${b.mongoKind} alone: inserts through MessageWriter`, 'docs/s', 'mean batch', 'batch p50 ms', 'batch p99 ms'],
          b.insert.map((r) => [
            `${r.concurrency} writes waiting, batch <= ${r.maxBatch}, window ${r.windowMs} ms from ${r.windowMinRate}/s, ${r.maxInFlight} in flight`,
            num(r.docsPerSec),
            String(r.meanBatch),
            String(r.batchMs.p50),
            String(r.batchMs.p99),
          ]),
        ),
        b.sync
          ? `one sync-shaped query (roomId + seq range, sorted) over ${num(b.sync.docs)} stored messages: ${b.sync.ms} ms (filter pushdown: ${b.sync.pushdown ? 'yes' : 'no: a full collection scan'})`
          : 'sync-shaped query: not measured',
      ]
    : [];
  const notes = [
    `${summary.startedAt}, ${roundsLabel(summary)}, store ${summary.store}; figures are "median (min-max)"`,
    ...(summary.pooled ?? [{ startedAt: summary.startedAt, machine: summary.machine }]).map(
      (p) => `machine of ${p.startedAt}: ${machineAndLoad(p.machine)}`,
    ),
    `store writes per message <= 1.5: ${mark(v.storeWrites)}`,
  ];
  return [table, '', costs, '', ...stepTables, '', ...alone, '', ...notes].join('\n');
}

/** The same figures as a Markdown section for docs/benchmarks.md. */
export function markdownReport(summary: BenchSummary): string {
  const names = presentTargets(summary);
  const md = (header: string[], rows: string[][]) =>
    [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const header = ['', ...names.map((n) => TARGET_LABELS[n])];
  const shape =
    `${roundsLabel(summary)} per target, store ${summary.store}, ` +
    `${summary.layout.rooms} rooms x ${summary.layout.membersPerRoom} members, ${summary.layout.sendersPerRoom} senders per room, ` +
    `${summary.layout.payloadBytes}-byte payloads.`;
  const runLine = summary.pooled
    ? `Runs ${RUN_LIST.format(summary.pooled.map((p) => p.startedAt))} pooled with \`${summary.command}\`: ${shape} Machines: ` +
      `${summary.pooled.map((p) => `${p.startedAt} (${p.runs} rounds) ${machineAndLoad(p.machine)}`).join('; ')}. ` +
      'Each cell: median (min-max) over every round of every run.'
    : `Run ${summary.startedAt} with \`${summary.command}\`: ${shape} Machine: ${machineAndLoad(summary.machine)}. Each cell: median (min-max).`;
  return [
    runLine,
    '',
    md([...header, 'target'], headlineRows(summary, names)),
    '',
    "Cost per delivery at the cluster's half rate (the same offered rate on every target):",
    '',
    md(header, [...costRows(summary, names), ...storeRows(summary, names)]),
  ].join('\n');
}

/**
 * How many rounds each figure is taken over: a pool's rounds come from several runs, so they are
 * not interleaved with each other. The comparison with published figures reads the words after it.
 */
export function roundsLabel(summary: BenchSummary): string {
  return summary.pooled ? `${summary.runs} rounds from ${summary.pooled.length} runs` : `${summary.runs} interleaved run(s)`;
}

function machineAndLoad(machine: MachineReading): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return `${machineLine(machine)}; load average (1/5/15 min) ${load(machine.loadAverageAtStart)} at start, ${load(machine.loadAverageAtEnd)} at end`;
}

/** Cores, processor and calibration: what a reader needs to tell the machine's share of a figure. */
function machineLine(machine: MachineReading): string {
  return `${machine.cores} cores, ${machine.cpu}, calibration ${machine.calibrationMs} ms (lower is faster)`;
}
