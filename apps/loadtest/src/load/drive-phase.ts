import { sleep, waitUntil } from './concurrency';
import type { IntervalSnapshot, LoadMeter } from './load-meter';
import type { PhaseResult, PhaseSpec } from './load-run';

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
  spec: Omit<PhaseSpec, 'onTick'>,
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
