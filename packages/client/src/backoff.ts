export interface BackoffPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** Ceiling for any single delay. */
  maxMs: number;
}

/** The ceiling of attempt `attempt` (counted from 1): base, 2 base, 4 base, ... up to maxMs. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so clients
 * that failed together (a gateway restart) do not all retry in the same millisecond.
 * `attempt` counts from 1.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exp = backoffCeiling(attempt, policy);
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/**
 * The wait before reconnect attempt `attempt` (counted from 1): "full jitter", anywhere in
 * [0, min(maxMs, baseMs * 2^(attempt-1))]. Thousands of clients dropped by the same dead pod
 * then spread over the whole window instead of bunching at its middle the way equal jitter
 * does, which is what the surviving pods need (see docs/protocol.md, "Reconnecting").
 * A gateway that refused the handshake with `retryAfterMs` (its connection rate limit) is
 * waited for at least that long, with the jitter on top so the refused do not return together.
 */
export function reconnectDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random, retryAfterMs?: number): number {
  const jitter = Math.round(random() * backoffCeiling(attempt, policy));
  return retryAfterMs !== undefined && retryAfterMs > 0 ? Math.round(retryAfterMs) + jitter : jitter;
}
