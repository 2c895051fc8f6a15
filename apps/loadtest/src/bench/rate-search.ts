import type { CpuSampler } from '../cluster/process-stats';
import { waitUntil } from '../load/concurrency';
import type { LoadRun, PhaseResult } from '../load/load-run';

export interface RateStep extends PhaseResult {
  passed: boolean;
  /** Why a step failed: the latency limit or the target falling behind. */
  why: string;
  /** CPU use per process over the step (1.0 = one core). */
  cpu: Record<string, number>;
}

export interface RateSearchOptions {
  startRate: number;
  /** Each passing step multiplies the rate by this. */
  growth: number;
  maxSteps: number;
  windowMs: number;
  rampMs: number;
  /** A step passes while send-to-receive p99 stays at or under this. */
  p99LimitMs: number;
  /** No new step starts after this time (epoch ms): keeps the whole benchmark bounded. */
  deadline: number;
  cpu?: CpuSampler;
  log?: (line: string) => void;
}

export interface RateSearchResult {
  steps: RateStep[];
  /** The passing step with the highest accepted rate. */
  best: RateStep | undefined;
}

/**
 * Steps the offered rate up until send-to-receive p99 passes the limit or delivery falls
 * behind (sends unanswered, or deliveries not caught up within the drain), then tries once
 * between the last pass and the first failure. The maximum is the best passing step's
 * accepted rate, measured, not the rate asked for.
 */
export async function searchMaxRate(run: LoadRun, options: RateSearchOptions): Promise<RateSearchResult> {
  const steps: RateStep[] = [];
  let best: RateStep | undefined;
  let failedRate: number | undefined;
  let rate = options.startRate;
  const step = async (target: number): Promise<RateStep> => {
    options.cpu?.start();
    const phase = await run.drive({ rate: target, durationMs: options.windowMs, rampUpMs: options.rampMs, drainMs: 3000 });
    const cpu = options.cpu?.stop() ?? {};
    const latencyOk = phase.sendToReceive.p99 <= options.p99LimitMs && phase.sendToReceive.count > 0;
    const why = !phase.keptUp
      ? `fell behind (${phase.throttled} sends throttled, ${phase.offered - phase.accepted} unanswered in the window, backlog ${phase.backlog})`
      : latencyOk
        ? ''
        : `send-to-receive p99 ${phase.sendToReceive.p99} ms > ${options.p99LimitMs} ms`;
    const result: RateStep = { ...phase, passed: phase.keptUp && latencyOk, why, cpu };
    steps.push(result);
    options.log?.(
      `rate ${target}/s: accepted ${phase.acceptedPerSec}/s, deliveries ${phase.deliveriesPerSec}/s, ` +
        `recv p50/p99 ${phase.sendToReceive.p50}/${phase.sendToReceive.p99} ms -> ${result.passed ? 'pass' : `FAIL: ${why}`}`,
    );
    if (!result.passed && result.accepted > 0) {
      // Let the overload drain before anything else is measured on this run (not when nothing
      // got through: a wedged target does not drain).
      await waitUntil(() => run.outstanding === 0 && run.backlog <= 0, 30_000, 100);
    }
    return result;
  };
  for (let i = 0; i < options.maxSteps && Date.now() < options.deadline; i++) {
    const result = await step(Math.round(rate));
    if (!result.passed) {
      failedRate = rate;
      break;
    }
    if (!best || result.acceptedPerSec > best.acceptedPerSec) best = result;
    rate *= options.growth;
  }
  // Even the first step failed: step down (twice at most) so a maximum is still found.
  for (let down = (failedRate ?? 0) / 2; !best && failedRate !== undefined && down >= 2 && Date.now() < options.deadline; down /= 2) {
    const result = await step(Math.round(down));
    if (result.passed) best = result;
    else if (down < options.startRate / 3) break;
  }
  // A failing step that got nothing through means the target stopped answering (FerretDB can
  // wedge a database): a step in between would measure the wedge, not the target.
  const wedged = steps.at(-1)?.accepted === 0;
  if (best && failedRate !== undefined && !wedged && Date.now() < options.deadline) {
    const between = Math.round((best.rate + failedRate) / 2);
    if (between > best.rate && between < failedRate) {
      const result = await step(between);
      if (result.passed && result.acceptedPerSec > best.acceptedPerSec) best = result;
    }
  }
  return { steps, best };
}
