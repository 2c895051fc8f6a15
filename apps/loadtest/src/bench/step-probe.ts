import { type IntervalHistogram, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import {
  counterDeltas,
  gauge,
  type HistogramDelta,
  histogramDeltas,
  parsePrometheusText,
  quantileMs,
  type Samples,
} from './prometheus-text';

export interface LatencyFigure {
  count: number;
  meanMs: number;
  /** Upper bound of the histogram bucket holding the 99th percentile. */
  p99Ms: number;
}

export interface ProcessLoop {
  /** Event-loop delay over the step (monitorEventLoopDelay, 10 ms resolution). */
  loopP99Ms: number;
  loopMaxMs: number;
  /** Time spent in GC pauses during the step. */
  gcMs: number;
}

/** Where a step's time went, per process: what the p99 beside it is made of. */
export interface StepBreakdown {
  /** By process name (gateway-1.., worker, loadgen). */
  loop: Record<string, ProcessLoop>;
  /** MongoDB command round trips seen by the driver, by `<kind>:<command>` (kind: gateway or worker). */
  mongo: Record<string, LatencyFigure>;
  /** Redis Lua script calls, by script (gateways). */
  redis: Record<string, LatencyFigure>;
  /** Documents (or update statements) and BSON bytes sent in writes, by `<kind>:<command>`. */
  written: Record<string, { documents: number; bytes: number }>;
  /** Jobs the worker finished, by queue (every outcome): the worker's work per message. */
  workerJobs: Record<string, number>;
  /** Client events the gateways received, by name (send_message, sync, join_room...). */
  events: Record<string, number>;
}

/** `gateway-2` -> `gateway`: figures of one kind of process are added up. */
export function processKind(name: string): string {
  return name.replace(/-\d+$/, '');
}

/**
 * Scrapes every process's /metrics before and after a rate step, and watches the load
 * generator's own event loop and GC meanwhile. The first scrape also resets the event-loop
 * histograms (prom-client resets them on every collect), so the second reads the step alone.
 */
export class StepProbe {
  private before = new Map<string, Samples>();
  private loop: IntervalHistogram | undefined;
  private gc: PerformanceObserver | undefined;
  private gcMs = 0;

  constructor(private readonly metricsUrls: () => Record<string, string>) {}

  async start(): Promise<void> {
    this.before = await scrapeAll(this.metricsUrls());
    this.loop?.disable();
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.gcMs = 0;
    this.gc?.disconnect();
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcMs += entry.duration;
    });
    this.gc.observe({ entryTypes: ['gc'] });
  }

  async stop(): Promise<StepBreakdown> {
    const after = await scrapeAll(this.metricsUrls());
    const breakdown: StepBreakdown = { loop: {}, mongo: {}, redis: {}, written: {}, workerJobs: {}, events: {} };
    const mongo: Record<string, HistogramDelta[]> = {};
    const redis: Record<string, HistogramDelta[]> = {};
    for (const [name, now] of after) {
      const was = this.before.get(name) ?? new Map();
      const kind = processKind(name);
      const gcSeconds = Object.values(counterDeltas(was, now, '_nodejs_gc_duration_seconds_sum', 'kind')).reduce((a, b) => a + b, 0);
      breakdown.loop[name] = {
        loopP99Ms: round1((gauge(now, '_nodejs_eventloop_lag_p99_seconds') ?? 0) * 1000),
        loopMaxMs: round1((gauge(now, '_nodejs_eventloop_lag_max_seconds') ?? 0) * 1000),
        gcMs: round1(gcSeconds * 1000),
      };
      for (const [command, delta] of Object.entries(histogramDeltas(was, now, '_mongo_command_seconds', 'command', { outcome: 'ok' })))
        append(mongo, `${kind}:${command}`, delta);
      for (const [script, delta] of Object.entries(histogramDeltas(was, now, '_lua_seconds', 'script'))) append(redis, script, delta);
      for (const [queue, jobs] of Object.entries(counterDeltas(was, now, '_worker_jobs_total', 'queue')))
        if (jobs > 0) breakdown.workerJobs[queue] = (breakdown.workerJobs[queue] ?? 0) + jobs;
      for (const [event, count] of Object.entries(counterDeltas(was, now, '_gateway_events_total', 'event')))
        if (count > 0) breakdown.events[event] = (breakdown.events[event] ?? 0) + count;
      const docs = counterDeltas(was, now, '_mongo_written_documents_total', 'command');
      const bytes = counterDeltas(was, now, '_mongo_written_bytes_total', 'command');
      for (const [command, documents] of Object.entries(docs)) {
        if (documents <= 0) continue;
        const key = `${kind}:${command}`;
        const entry = breakdown.written[key] ?? { documents: 0, bytes: 0 };
        entry.documents += documents;
        entry.bytes += bytes[command] ?? 0;
        breakdown.written[key] = entry;
      }
    }
    for (const [key, deltas] of Object.entries(mongo)) breakdown.mongo[key] = latency(mergeDeltas(deltas));
    for (const [key, deltas] of Object.entries(redis)) breakdown.redis[key] = latency(mergeDeltas(deltas));
    if (this.loop) {
      this.loop.disable();
      breakdown.loop.loadgen = {
        loopP99Ms: round1(this.loop.percentile(99) / 1e6),
        loopMaxMs: round1(this.loop.max / 1e6),
        gcMs: round1(this.gcMs),
      };
      this.loop = undefined;
    }
    this.gc?.disconnect();
    this.gc = undefined;
    return breakdown;
  }
}

async function scrapeAll(urls: Record<string, string>): Promise<Map<string, Samples>> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        return response.ok ? ([name, parsePrometheusText(await response.text())] as const) : undefined;
      } catch {
        // A process that died or hangs mid-step has no figures for it; the step still counts.
        return undefined;
      }
    }),
  );
  return new Map(entries.filter((e) => e !== undefined));
}

function append<T>(lists: Record<string, T[]>, key: string, item: T): void {
  const list = lists[key] ?? [];
  list.push(item);
  lists[key] = list;
}

/** Adds up one histogram's deltas from several processes (same buckets by construction). */
export function mergeDeltas(deltas: HistogramDelta[]): HistogramDelta {
  const buckets = new Map<number, number>();
  for (const d of deltas) for (const [le, n] of d.buckets) buckets.set(le, (buckets.get(le) ?? 0) + n);
  return {
    count: deltas.reduce((s, d) => s + d.count, 0),
    sumSeconds: deltas.reduce((s, d) => s + d.sumSeconds, 0),
    buckets: [...buckets].sort((a, b) => a[0] - b[0]),
  };
}

function latency(delta: HistogramDelta): LatencyFigure {
  return { count: delta.count, meanMs: round1((delta.sumSeconds / delta.count) * 1000), p99Ms: quantileMs(delta, 0.99) };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * One line per step for the log and the report: where the time went beside its p99
 * (`loop p99/max ms, gc ms` per process; store and Redis mean/p99 ms per command).
 */
export function describeBreakdown(b: StepBreakdown): string {
  const loops = Object.entries(b.loop)
    .map(([name, l]) => `${name} ${l.loopP99Ms}/${l.loopMaxMs} gc ${l.gcMs}`)
    .join(', ');
  const calls = (figures: Record<string, LatencyFigure>) =>
    Object.entries(figures)
      .sort((a, b) => b[1].count * b[1].meanMs - a[1].count * a[1].meanMs)
      .slice(0, 6)
      .map(([name, f]) => `${name} x${f.count} ${f.meanMs}/${Number.isFinite(f.p99Ms) ? f.p99Ms : '>max'}`)
      .join(', ');
  const parts = [`loop p99/max ms: ${loops}`];
  if (Object.keys(b.mongo).length) parts.push(`mongo mean/p99 ms: ${calls(b.mongo)}`);
  if (Object.keys(b.redis).length) parts.push(`redis lua mean/p99 ms: ${calls(b.redis)}`);
  return parts.join(' | ');
}
