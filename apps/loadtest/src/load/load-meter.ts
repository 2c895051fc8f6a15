import { LatencyHistogram, type LatencySummary } from '../stats/latency-histogram';

export interface MeterCounts {
  offered: number;
  /** Sends not issued because too many were outstanding (the target fell behind). */
  throttled: number;
  accepted: number;
  failed: number;
  deliveries: number;
}

export interface IntervalSnapshot extends MeterCounts {
  seconds: number;
  sendToAck: LatencySummary;
  sendToReceive: LatencySummary;
}

/**
 * Counters and latency histograms of a load run, kept three ways: for the whole run, for the
 * current phase's measured window (rates and percentiles of a step), and for the last
 * progress interval (the live line).
 */
export class LoadMeter {
  readonly total: MeterCounts = zero();
  private phase: MeterCounts = zero();
  private interval: MeterCounts = zero();
  readonly totalAck = new LatencyHistogram();
  readonly totalReceive = new LatencyHistogram();
  private readonly phaseAck = new LatencyHistogram();
  private readonly phaseReceive = new LatencyHistogram();
  private readonly intervalAck = new LatencyHistogram();
  private readonly intervalReceive = new LatencyHistogram();
  private readonly errorCodes = new Map<string, number>();
  private windowOpen = false;
  private windowOpenedAt = 0;
  private windowSeconds = 0;
  private intervalStartedAt = performance.now();

  offered(): void {
    this.bump('offered');
  }

  throttled(): void {
    this.bump('throttled');
  }

  accepted(latencyMs: number): void {
    this.bump('accepted');
    this.totalAck.record(latencyMs);
    this.intervalAck.record(latencyMs);
    if (this.windowOpen) this.phaseAck.record(latencyMs);
  }

  failed(code: string): void {
    this.bump('failed');
    this.error(code);
  }

  delivered(latencyMs: number | undefined): void {
    this.bump('deliveries');
    if (latencyMs === undefined) return;
    this.totalReceive.record(latencyMs);
    this.intervalReceive.record(latencyMs);
    if (this.windowOpen) this.phaseReceive.record(latencyMs);
  }

  /** An error answer or event, by protocol code (counted, not a failure by itself: sends are retried). */
  error(code: string): void {
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  get errors(): Record<string, number> {
    return Object.fromEntries([...this.errorCodes.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Starts a step's measured window: counts and percentiles from here on. */
  openWindow(): void {
    this.phase = zero();
    this.phaseAck.reset();
    this.phaseReceive.reset();
    this.windowOpen = true;
    this.windowOpenedAt = performance.now();
  }

  closeWindow(): void {
    if (!this.windowOpen) return;
    this.windowOpen = false;
    this.windowSeconds = (performance.now() - this.windowOpenedAt) / 1000;
  }

  /** The measured window: counts only while it was open, with its length. */
  windowSnapshot(): IntervalSnapshot {
    const seconds = this.windowOpen ? (performance.now() - this.windowOpenedAt) / 1000 : this.windowSeconds;
    return { ...this.phase, seconds, sendToAck: this.phaseAck.summary(), sendToReceive: this.phaseReceive.summary() };
  }

  /** Everything since the previous call (for the live progress line), then starts a new interval. */
  takeInterval(): IntervalSnapshot {
    const now = performance.now();
    const snapshot = {
      ...this.interval,
      seconds: (now - this.intervalStartedAt) / 1000,
      sendToAck: this.intervalAck.summary(),
      sendToReceive: this.intervalReceive.summary(),
    };
    this.interval = zero();
    this.intervalAck.reset();
    this.intervalReceive.reset();
    this.intervalStartedAt = now;
    return snapshot;
  }

  private bump(field: keyof MeterCounts): void {
    this.total[field] += 1;
    this.interval[field] += 1;
    if (this.windowOpen) this.phase[field] += 1;
  }
}

function zero(): MeterCounts {
  return { offered: 0, throttled: 0, accepted: 0, failed: 0, deliveries: 0 };
}
