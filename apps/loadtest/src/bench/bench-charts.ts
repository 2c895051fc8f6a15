import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchSummary, roundsLabel, TARGET_LABELS, type TargetName, type TargetResult } from './bench-report';
import { spread } from './bench-stats';

// vega-lite is ESM-only: its types come in through an import type that names the resolution mode.
type TopLevelSpec = import('vega-lite', { with: { 'resolution-mode': 'import' }}).TopLevelSpec;

export interface LatencyPoint {
  target: string;
  /** Offered rate of the step, msg/s. */
  rate: number;
  stat: 'p50' | 'p99';
  /** Median over the runs that had a step at this rate. */
  ms: number;
}

/**
 * Send-to-receive p50 and p99 against offered rate, per target: the median over runs of every
 * search step at the same offered rate (the searches step through the same rates each run).
 */
export function latencyPoints(results: Partial<Record<TargetName, TargetResult[]>>): LatencyPoint[] {
  const points: LatencyPoint[] = [];
  for (const [name, runs] of Object.entries(results) as Array<[TargetName, TargetResult[]]>) {
    const byRate = new Map<number, { p50: number[]; p99: number[] }>();
    for (const run of runs) {
      for (const step of run.steps) {
        if (step.sendToReceive.count === 0) continue;
        const entry = byRate.get(step.rate) ?? { p50: [], p99: [] };
        entry.p50.push(step.sendToReceive.p50);
        entry.p99.push(step.sendToReceive.p99);
        byRate.set(step.rate, entry);
      }
    }
    for (const [rate, { p50, p99 }] of [...byRate].sort((a, b) => a[0] - b[0])) {
      points.push({ target: TARGET_LABELS[name], rate, stat: 'p50', ms: spread(p50)!.median });
      points.push({ target: TARGET_LABELS[name], rate, stat: 'p99', ms: spread(p99)!.median });
    }
  }
  return points;
}

export function latencyChartSpec(points: LatencyPoint[], subtitle: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Send-to-receive latency against offered rate', subtitle },
    width: 560,
    height: 320,
    background: 'white',
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'rate', type: 'quantitative', scale: { type: 'log' }, title: 'offered msg/s (log)' },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (log), median of runs' },
      color: { field: 'target', type: 'nominal', title: null },
      strokeDash: { field: 'stat', type: 'nominal', title: null },
      shape: { field: 'stat', type: 'nominal', title: null },
    },
  };
}

export interface MemoryBar {
  target: string;
  connections: string;
  kib: number;
  minKib: number;
  maxKib: number;
}

export function memoryBars(summary: BenchSummary): MemoryBar[] {
  const bars: MemoryBar[] = [];
  for (const [name, t] of Object.entries(summary.targets) as Array<[TargetName, NonNullable<BenchSummary['targets'][TargetName]>]>) {
    for (const [level, s] of Object.entries(t.bytesPerIdleConnection)) {
      bars.push({
        target: TARGET_LABELS[name],
        connections: `${Number(level).toLocaleString('en-US')} idle`,
        kib: round1(s.median / 1024),
        minKib: round1(s.min / 1024),
        maxKib: round1(s.max / 1024),
      });
    }
  }
  return bars;
}

export function memoryChartSpec(bars: MemoryBar[], subtitle: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Memory (RSS) per idle connection', subtitle },
    background: 'white',
    data: { values: bars },
    facet: { column: { field: 'connections', type: 'nominal', title: null } },
    spec: {
      width: 220,
      height: 260,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'target', type: 'nominal', title: null, axis: { labelAngle: -30 } },
            y: { field: 'kib', type: 'quantitative', title: 'KiB per connection, median of runs' },
            color: { field: 'target', type: 'nominal', legend: null },
          },
        },
        {
          mark: { type: 'rule', color: 'black' },
          encoding: {
            x: { field: 'target', type: 'nominal' },
            y: { field: 'minKib', type: 'quantitative' },
            y2: { field: 'maxKib' },
          },
        },
      ],
    },
  };
}

/** Renders a Vega-Lite spec to SVG text in Node (no canvas: Vega's SVG renderer is plain strings). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // ESM-only packages, loaded from this CommonJS module only when a chart is drawn.
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Writes bench-latency.svg and bench-memory.svg (when memory was measured) into `dir`. */
export async function writeBenchCharts(
  summary: BenchSummary,
  results: Partial<Record<TargetName, TargetResult[]>>,
  dir: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const subtitle = `${summary.startedAt.slice(0, 10)}, ${roundsLabel(summary)}, fan-out ${summary.layout.membersPerRoom}, store ${summary.store}`;
  const written: string[] = [];
  const latency = join(dir, 'bench-latency.svg');
  await writeFile(latency, await renderSvg(latencyChartSpec(latencyPoints(results), subtitle)));
  written.push(latency);
  const bars = memoryBars(summary);
  if (bars.length) {
    const memory = join(dir, 'bench-memory.svg');
    await writeFile(memory, await renderSvg(memoryChartSpec(bars, subtitle)));
    written.push(memory);
  }
  return written;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
