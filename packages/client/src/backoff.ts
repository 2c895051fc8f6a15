export interface BackoffPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** Ceiling for any single delay. */
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so clients
 * that failed together (a gateway restart) do not all retry in the same millisecond.
 * `attempt` counts from 1.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
