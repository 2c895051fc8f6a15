import type { CpuSampler } from '../cluster/process-stats';
import { waitUntil } from '../load/concurrency';
import type { PhaseTarget } from '../load/drive-phase';
import type { FinalCheck, PhaseResult, PhaseSpec } from '../load/load-run';
import type { RedisStatsDelta, RedisStatsProbe } from './redis-stats';
import { describeBreakdown, type StepBreakdown, type StepProbe } from './step-probe';

/** A load run the bench can drive: ours over the SDK (LoadRun) or another server's (CentrifugeRun). */
export interface BenchRun extends PhaseTarget {
  drive(spec: PhaseSpec): Promise<PhaseResult>;
  finish(settleTimeoutMs: number): Promise<FinalCheck>;
  close(): Promise<void>;
}

export interface RateStep extends PhaseResult {
  passed: boolean;
  /** Why a step failed: the latency limit or the target falling behind. */
  why: string;
  /** CPU use per process over the step (1.0 = one core). */
  cpu: Record<string, number>;
  /** CPU seconds per process over the step (ramp, window and drain). */
  cpuSeconds: Record<string, number>;
  /** Messages acknowledged and deliveries shown over that same interval (for costs per message). */
  interval: { accepted: number; deliveries: number };
  /** Wall-clock seconds of that interval (ramp, window and drain). */
  intervalSeconds: number;
  /** Event loops, GC, store and Redis over the step, when the target exposes metrics. */
  breakdown: StepBreakdown | undefined;
  /** Redis commands and bytes over the step, when a Redis probe was given. */
  redisStats?: RedisStatsDelta | undefined;
  /**
   * Failed, and the same rate run again right after passed: a passing spike, not the target's
   * limit. Listed with the steps, never the step a search stops at.
   */
  overruled?: boolean;
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
  probe?: StepProbe;
  redisStats?: RedisStatsProbe;
  log?: (line: string) => void;
}

/**
 * One phase at a fixed rate with everything the report prints beside it: CPU per process,
 * messages and deliveries over the same interval, and the targets' metrics breakdown. It
 * passes while p99 stays at or under the limit and the target keeps up.
 */
export async function measurePhase(
  run: BenchRun,
  spec: PhaseSpec,
  options: Pick<RateSearchOptions, 'cpu' | 'probe' | 'redisStats' | 'p99LimitMs'>,
): Promise<RateStep> {
  await options.probe?.start();
  await options.redisStats?.start();
  const counted = { ...run.meter.total };
  options.cpu?.start();
  const began = performance.now();
  const phase = await run.drive(spec);
  const intervalSeconds = (performance.now() - began) / 1000;
  const cpu = options.cpu?.stop() ?? {};
  const cpuSeconds = options.cpu?.lastSeconds ?? {};
  const interval = { accepted: run.meter.total.accepted - counted.accepted, deliveries: run.meter.total.deliveries - counted.deliveries };
  const redisStats = await options.redisStats?.stop();
  const breakdown = await options.probe?.stop();
  const latencyOk = phase.sendToReceive.p99 <= options.p99LimitMs && phase.sendToReceive.count > 0;
  const why = !phase.keptUp
    ? `fell behind (${phase.throttled} sends throttled, ${phase.offered - phase.accepted} unanswered in the window, backlog ${phase.backlog})`
    : latencyOk
      ? ''
      : `send-to-receive p99 ${phase.sendToReceive.p99} ms > ${options.p99LimitMs} ms`;
  return { ...phase, passed: phase.keptUp && latencyOk, why, cpu, cpuSeconds, interval, intervalSeconds, breakdown, redisStats };
}

/** A window with every client connected and nothing sent: what a cluster costs standing still. */
export interface IdleStep {
  seconds: number;
  cpuSeconds: Record<string, number>;
  breakdown: StepBreakdown | undefined;
  redisStats: RedisStatsDelta | undefined;
}

/**
 * Measures the same figures as a step over `ms` with no load: presence ticks, sweeps, metrics,
 * idle sockets. A capacity model charges these per process, not per message.
 */
export async function measureIdle(ms: number, options: Pick<RateSearchOptions, 'cpu' | 'probe' | 'redisStats'>): Promise<IdleStep> {
  await options.probe?.start();
  await options.redisStats?.start();
  options.cpu?.start();
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  options.cpu?.stop();
  const seconds = (performance.now() - began) / 1000;
  const cpuSeconds = options.cpu?.lastSeconds ?? {};
  const redisStats = await options.redisStats?.stop();
  const breakdown = await options.probe?.stop();
  return { seconds, cpuSeconds, breakdown, redisStats };
}

export interface RateSearchResult {
  steps: RateStep[];
  /** The passing step with the highest accepted rate. */
  best: RateStep | undefined;
}

/**
 * Steps the offered rate up until send-to-receive p99 passes the limit or delivery falls
 * behind (sends unanswered, or deliveries not caught up within the drain), then tries once
 * between the last pass and the first failure. A failing step is run once more at the same
 * rate and fails only if that fails too: on two cores shared by every process one stall (a GC
 * pause, a store writer asleep in its busy handler) can put one 5 s window's p99 past the
 * limit, and a search that stopped there reported the stall, not the target, so rounds of one
 * run spread several times over. The maximum is the best passing step's accepted rate,
 * measured, not the rate asked for.
 */
export async function searchMaxRate(run: BenchRun, options: RateSearchOptions): Promise<RateSearchResult> {
  const steps: RateStep[] = [];
  let best: RateStep | undefined;
  let failedRate: number | undefined;
  let rate = options.startRate;
  const attempt = async (target: number, label: string): Promise<RateStep> => {
    const result = await measurePhase(
      run,
      { rate: target, durationMs: options.windowMs, rampUpMs: options.rampMs, drainMs: 3000 },
      options,
    );
    steps.push(result);
    options.log?.(
      `rate ${target}/s${label}: accepted ${result.acceptedPerSec}/s, deliveries ${result.deliveriesPerSec}/s, ` +
        `recv p50/p99 ${result.sendToReceive.p50}/${result.sendToReceive.p99} ms -> ${result.passed ? 'pass' : `FAIL: ${result.why}`}` +
        (result.breakdown ? `\n  ${describeBreakdown(result.breakdown)}` : ''),
    );
    if (!result.passed && result.accepted > 0) {
      // Let the overload drain before anything else is measured on this run (not when nothing
      // got through: a wedged target does not drain).
      await waitUntil(() => run.outstanding === 0 && run.backlog <= 0, 30_000, 100);
    }
    return result;
  };
  const step = async (target: number): Promise<RateStep> => {
    const first = await attempt(target, '');
    // A step that got nothing through measured a wedged target: a repeat would measure it again.
    if (first.passed || first.accepted === 0 || Date.now() >= options.deadline) return first;
    const again = await attempt(target, ' (repeated)');
    if (again.passed) first.overruled = true;
    return again;
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
