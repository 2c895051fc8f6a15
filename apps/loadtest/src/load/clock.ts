/**
 * Wall-clock milliseconds with sub-millisecond resolution. Send times travel inside message
 * content and are read back by receivers, possibly in another load process on the same
 * machine, so the clock must be shared: performance.now() alone is per process.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
