/**
 * Latencies in milliseconds, kept as counts in logarithmic buckets (2 % wide) rather than as
 * samples: memory stays fixed at any message rate, and histograms of several load processes
 * merge by adding counts. Percentiles are exact to within one bucket (2 %); the max is exact.
 */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Smallest resolved value (1 µs); everything below lands in bucket 0. */
const FLOOR_MS = 0.001;
/** 1 µs * 1.02^1100 is about 2.8 hours: no latency a test measures is larger. */
const BUCKETS = 1100;

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface HistogramSnapshot {
  counts: Array<[bucket: number, count: number]>;
  count: number;
  sum: number;
  max: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private maxMs = 0;

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const value = Math.max(ms, 0);
    this.counts[bucketOf(value)]! += 1;
    this.total += 1;
    this.sum += value;
    if (value > this.maxMs) this.maxMs = value;
  }

  /** The value at quantile q (0..1): the upper edge of the bucket holding it, capped at the max. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.maxMs);
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    return {
      count: this.total,
      p50: round(this.quantile(0.5)),
      p95: round(this.quantile(0.95)),
      p99: round(this.quantile(0.99)),
      max: round(this.maxMs),
      mean: this.total === 0 ? 0 : round(this.sum / this.total),
    };
  }

  merge(other: LatencyHistogram | HistogramSnapshot): this {
    const snapshot = other instanceof LatencyHistogram ? other.snapshot() : other;
    for (const [bucket, count] of snapshot.counts) {
      if (bucket >= 0 && bucket < BUCKETS) this.counts[bucket]! += count;
    }
    this.total += snapshot.count;
    this.sum += snapshot.sum;
    if (snapshot.max > this.maxMs) this.maxMs = snapshot.max;
    return this;
  }

  /** A compact, JSON-safe form (only non-empty buckets), for sending between processes. */
  snapshot(): HistogramSnapshot {
    const counts: Array<[number, number]> = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) counts.push([i, this.counts[i]!]);
    return { counts, count: this.total, sum: this.sum, max: this.maxMs };
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.maxMs = 0;
  }
}

function bucketOf(ms: number): number {
  if (ms <= FLOOR_MS) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log(ms / FLOOR_MS) / LOG_GROWTH));
}

function upperEdge(bucket: number): number {
  return FLOOR_MS * GROWTH ** (bucket + 1);
}

/** Two decimals: latencies are reported in ms, and 10 µs is below what loopback timing resolves. */
function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
