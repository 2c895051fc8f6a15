import { setTimeout as sleep } from 'node:timers/promises';
import { CpuSampler } from '../cluster/process-stats';

export interface SettleOptions {
  /** Cores the store may use, with no target running, and still count as quiet. */
  quietCores: number;
  /** How long each reading lasts. */
  sampleMs: number;
  /** The longest wait; past it the next phase starts anyway, on a store still busy. */
  timeoutMs: number;
}

/**
 * FerretDB used 0.03-0.08 cores under a cluster standing still with every client connected, and
 * 0.12-0.21 at the lightest step, 100 msg/s (the saved runs of 2026-12-07). A store above 0.3
 * with no target running is still working off what an earlier phase left it.
 */
export const STORE_SETTLE: SettleOptions = { quietCores: 0.3, sampleMs: 1_000, timeoutMs: 300_000 };

export interface SettleResult {
  /** From the first reading to the quiet one (or to the timeout). */
  waitedMs: number;
  quiet: boolean;
}

/**
 * Waits until no process in `pids` used more than `quietCores` over a whole reading. Why: a
 * search's overload steps can leave FerretDB with minutes of queued work (its reads by room and
 * seq range are full collection scans) that goes on after its clients are gone, on another
 * database's behalf; a phase started meanwhile measures that backlog instead of its own target. On
 * 2026-12-07 10:34 one such round's half-rate phase found FerretDB at 1.85 cores before any
 * load and measured recv p50 2.7 s at 669 msg/s, a rate its search had passed.
 */
export async function waitForQuietStore(pids: () => Record<string, number>, options: SettleOptions): Promise<SettleResult> {
  const started = performance.now();
  const sampler = new CpuSampler(pids);
  for (;;) {
    sampler.start();
    await sleep(options.sampleMs);
    const shares = sampler.stop();
    const busiest = Math.max(0, ...Object.keys(pids()).map((name) => shares[name] ?? 0));
    const waitedMs = Math.round(performance.now() - started);
    if (busiest <= options.quietCores) return { waitedMs, quiet: true };
    if (waitedMs >= options.timeoutMs) return { waitedMs, quiet: false };
  }
}
