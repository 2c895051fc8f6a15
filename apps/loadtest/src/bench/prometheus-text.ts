/** One scrape of a Prometheus text page: sample value by `name{labels}` exactly as printed. */
export type Samples = Map<string, number>;

/** Parses the Prometheus text format (comments skipped; a sample per line). */
export function parsePrometheusText(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) samples.set(line.slice(0, space), value);
  }
  return samples;
}

/** A sample's name and labels: `a_b{x="1",y="2"}` -> `a_b`, `{x: '1', y: '2'}`. */
export function splitSample(key: string): { name: string; labels: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  for (const match of key.slice(brace + 1, -1).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!;
  return { name: key.slice(0, brace), labels };
}

export interface HistogramDelta {
  count: number;
  sumSeconds: number;
  /** Cumulative counts by upper bound (seconds), ascending. */
  buckets: Array<[number, number]>;
}

/**
 * What a histogram gained between two scrapes, per value of one label (`command`, `script`):
 * `suffix` matches the metric name's end, so `_mongo_command_seconds` finds the gateway's and
 * the worker's alike. Series whose `where` labels differ are skipped.
 */
export function histogramDeltas(
  before: Samples,
  after: Samples,
  suffix: string,
  byLabel: string,
  where: Record<string, string> = {},
): Record<string, HistogramDelta> {
  const out: Record<string, HistogramDelta> = {};
  for (const [key, value] of after) {
    const { name, labels } = splitSample(key);
    if (!name.endsWith(`${suffix}_bucket`) && !name.endsWith(`${suffix}_sum`) && !name.endsWith(`${suffix}_count`)) continue;
    if (Object.entries(where).some(([k, v]) => labels[k] !== v)) continue;
    const group = labels[byLabel] ?? '';
    const delta = value - (before.get(key) ?? 0);
    const entry = out[group] ?? { count: 0, sumSeconds: 0, buckets: [] };
    out[group] = entry;
    if (name.endsWith('_count')) entry.count += delta;
    else if (name.endsWith('_sum')) entry.sumSeconds += delta;
    else entry.buckets.push([labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le), delta]);
  }
  for (const entry of Object.values(out)) entry.buckets.sort((a, b) => a[0] - b[0]);
  return Object.fromEntries(Object.entries(out).filter(([, e]) => e.count > 0));
}

/** The bucket bound under which a share `q` of the observations fell (an upper bound, in ms). */
export function quantileMs(delta: HistogramDelta, q: number): number {
  const want = delta.count * q;
  for (const [le, cumulative] of delta.buckets) if (cumulative >= want) return Number.isFinite(le) ? le * 1000 : Number.POSITIVE_INFINITY;
  return Number.POSITIVE_INFINITY;
}

/** Sum of what every series ending in `suffix` gained, by one label's value. */
export function counterDeltas(before: Samples, after: Samples, suffix: string, byLabel: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    const { name, labels } = splitSample(key);
    if (!name.endsWith(suffix)) continue;
    const group = labels[byLabel] ?? '';
    out[group] = (out[group] ?? 0) + value - (before.get(key) ?? 0);
  }
  return out;
}

/** The value of the first series whose name ends in `suffix` (a gauge), or undefined. */
export function gauge(samples: Samples, suffix: string): number | undefined {
  for (const [key, value] of samples) if (splitSample(key).name.endsWith(suffix)) return value;
  return undefined;
}
