/** One process's memory at one moment of a soak. */
export interface MemorySample {
  /** Minutes since the load started. */
  atMinutes: number;
  rssBytes: number;
  heapUsedBytes?: number;
}

export interface Trend {
  /** Least-squares slope over the judged samples, bytes per hour. */
  slopePerHour: number;
  /** The fitted value at the start of the judged window. */
  fittedStart: number;
  /** How much the fitted line grows over the judged window, as a share of its start. */
  growth: number;
  samples: number;
}

/**
 * The line through the samples taken after `warmupMinutes` (allocator and JIT warm-up, caches
 * filling): a process that leaks grows along it, one that does not stays flat whatever its
 * noise. Undefined with fewer than two judged samples.
 */
export function memoryTrend(
  samples: readonly MemorySample[],
  pick: (s: MemorySample) => number | undefined,
  warmupMinutes: number,
): Trend | undefined {
  const points = samples
    .filter((s) => s.atMinutes >= warmupMinutes)
    .map((s) => [s.atMinutes, pick(s)] as const)
    .filter((p): p is readonly [number, number] => p[1] !== undefined);
  if (points.length < 2) return undefined;
  const n = points.length;
  const meanX = points.reduce((a, [x]) => a + x, 0) / n;
  const meanY = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - meanX) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - meanX) * (y - meanY), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx; // bytes per minute
  const first = points[0]![0];
  const last = points[n - 1]![0];
  const fittedStart = meanY + slope * (first - meanX);
  return { slopePerHour: slope * 60, fittedStart, growth: fittedStart > 0 ? (slope * (last - first)) / fittedStart : 0, samples: n };
}
