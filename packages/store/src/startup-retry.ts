/**
 * The start-up wait both apps share: a dependency that is not reachable yet (a fresh FerretDB,
 * Redis restarting beside a rolling deploy) is tried again with backoff until a deadline, so
 * pods started together do not die on the first refusal and need nobody to restart them.
 * It lives in the store package because the store is the step that needed it first (FerretDB
 * drops connections on concurrent createIndexes); waitForRedisAndMongo uses it for both.
 */

export interface RetryNotice {
  /** Which dependency the step waits for: `redis`, `mongodb`. */
  dependency: string;
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** Wait before the next attempt. */
  delayMs: number;
  error: string;
}

export interface StartupRetryOptions {
  /** Aborted at the start-up deadline: the wait ends with a StartupDeadlineError. */
  signal: AbortSignal;
  /** Called once per failed attempt, before the wait (main.ts logs it). */
  onRetry: (notice: RetryNotice) => void;
  /** Delay before the first retry; doubled per attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/** A failure that retrying cannot fix (a setup problem for an operator): the wait ends at once. */
export class PermanentStartupError extends Error {
  override readonly name: string = 'PermanentStartupError';
}

/** The dependency was still failing at the deadline; the message says which and why. */
export class StartupDeadlineError extends Error {
  override readonly name = 'StartupDeadlineError';

  constructor(
    readonly dependency: string,
    readonly attempts: number,
    readonly lastError: string,
  ) {
    super(`${dependency} not ready by the start-up deadline after ${attempts} attempt(s); last error: ${lastError}`);
  }
}

const DEFAULT_BASE_DELAY_MS = 250;
const DEFAULT_MAX_DELAY_MS = 5000;

/**
 * Exponential backoff with equal jitter (half fixed, half random): pods that failed together
 * do not all knock again in the same millisecond. `attempt` counts from 1.
 */
export function startupRetryDelayMs(
  attempt: number,
  baseMs = DEFAULT_BASE_DELAY_MS,
  maxMs = DEFAULT_MAX_DELAY_MS,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Runs `step` until it resolves, waiting with backoff after each failure, until the deadline. */
export async function retryUntilReady<T>(dependency: string, step: () => Promise<T>, options: StartupRetryOptions): Promise<T> {
  let lastError = 'none (no attempt had an answer)';
  for (let attempt = 1; ; attempt++) {
    if (options.signal.aborted) throw new StartupDeadlineError(dependency, attempt - 1, lastError);
    try {
      return await untilAborted(step(), options.signal);
    } catch (err) {
      if (err instanceof PermanentStartupError) throw err;
      if (options.signal.aborted) throw new StartupDeadlineError(dependency, attempt, err === ABORTED ? lastError : messageOf(err));
      lastError = messageOf(err);
      const delayMs = startupRetryDelayMs(attempt, options.baseDelayMs, options.maxDelayMs, options.random);
      options.onRetry({ dependency, attempt, delayMs, error: lastError });
      await pause(delayMs, options.signal);
    }
  }
}

const ABORTED = Symbol('aborted');

/** An attempt still running at the deadline is abandoned (the process is about to exit). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
