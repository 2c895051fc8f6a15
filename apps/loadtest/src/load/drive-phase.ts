import type { LatencySummary } from '../stats/latency-histogram';
import { sleep, waitUntil } from './concurrency';
import type { IntervalSnapshot, LoadMeter } from './load-meter';

export interface DriveSpec {
  /** Target accepted messages per second over all senders. */
  rate: number;
  durationMs: number;
  /** The rate climbs linearly from 0 over this long before the measured window opens. */
  rampUpMs: number;
  /** After the phase, how long deliveries may take to catch up before the phase counts as behind. */
  drainMs?: number;
  /** Stop issuing sends while this many are unacknowledged (default: 3 s worth of the rate). */
  maxOutstanding?: number;
  /** Lets a chaos scenario end a phase early. */
  signal?: AbortSignal;
}

export interface PhaseResult {
  rate: number;
  seconds: number;
  offered: number;
  throttled: number;
  accepted: number;
  failed: number;
  acceptedPerSec: number;
  deliveries: number;
  deliveriesPerSec: number;
  sendToAck: LatencySummary;
  sendToReceive: LatencySummary;
  /** Deliveries still missing after the drain (acknowledged x members - shown). */
  backlog: number;
  /** Whether the target kept up: sends acknowledged and deliveries shown by the end of the drain. */
  keptUp: boolean;
}

/** What a phase drives: a load run over the SDK, or one over another server's client. */
export interface PhaseTarget {
  readonly meter: LoadMeter;
  /** Sends not yet acknowledged. */
  readonly outstanding: number;
  /** Deliveries owed for what was acknowledged so far, not yet shown. */
  readonly backlog: number;
  /** One send from the next sender in turn. */
  sendOne(): void;
}

/**
 * One phase, open loop: the rate climbs over the ramp, then the measured window at the target
 * rate (sends go out on schedule whether or not earlier ones were answered), then a drain.
 */
export async function drivePhase(
  target: PhaseTarget,
  spec: DriveSpec,
  onTick?: (interval: IntervalSnapshot) => void,
): Promise<PhaseResult> {
  const maxOutstanding = spec.maxOutstanding ?? Math.max(500, Math.ceil(spec.rate * 3));
  const started = performance.now();
  const rampMs = Math.max(0, spec.rampUpMs);
  const endMs = rampMs + spec.durationMs;
  /** Sends due by `t` ms into the phase: the area under the ramp-then-flat rate curve. */
  const dueBy = (t: number): number => {
    const perMs = spec.rate / 1000;
    if (t <= rampMs) return rampMs === 0 ? perMs * t : (perMs * t * t) / (2 * rampMs);
    return perMs * (rampMs / 2 + (Math.min(t, endMs) - rampMs));
  };
  let issued = 0;
  let windowOpened = false;
  let lastTick = started;
  if (rampMs === 0) {
    target.meter.openWindow();
    windowOpened = true;
  }
  target.meter.takeInterval();
  while (!spec.signal?.aborted) {
    const t = performance.now() - started;
    if (!windowOpened && t >= rampMs) {
      target.meter.openWindow();
      windowOpened = true;
    }
    const due = Math.floor(dueBy(t)) - issued;
    for (let i = 0; i < due; i++) {
      if (target.outstanding >= maxOutstanding) target.meter.throttled();
      else target.sendOne();
    }
    issued += Math.max(0, due);
    if (onTick && performance.now() - lastTick >= 1000) {
      lastTick = performance.now();
      onTick(target.meter.takeInterval());
    }
    if (t >= endMs) break;
    await sleep(2);
  }
  target.meter.closeWindow();
  const window = target.meter.windowSnapshot();
  const drainMs = spec.drainMs ?? 3000;
  const caughtUp = await waitUntil(() => target.outstanding === 0 && target.backlog <= 0, drainMs, 20);
  const backlog = Math.max(0, target.backlog);
  const seconds = Math.max(window.seconds, 0.001);
  return {
    rate: spec.rate,
    seconds: round(window.seconds),
    offered: window.offered,
    throttled: window.throttled,
    accepted: window.accepted,
    failed: window.failed,
    acceptedPerSec: round(window.accepted / seconds),
    deliveries: window.deliveries,
    deliveriesPerSec: round(window.deliveries / seconds),
    sendToAck: window.sendToAck,
    sendToReceive: window.sendToReceive,
    backlog,
    keptUp: caughtUp && window.throttled === 0 && window.accepted >= 0.95 * window.offered,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
