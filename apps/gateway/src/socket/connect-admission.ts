export interface AdmissionDecision {
  admitted: boolean;
  /** For a refusal: when to come back (this client's turn at the admission rate). */
  retryAfterMs: number;
}

/** No refused client is told to wait longer than this, however long the queue of refusals. */
const MAX_ADVICE_MS = 60_000;

/**
 * This pod's handshake rate: a token bucket of `burst` handshakes refilled at `ratePerSec`.
 * When a pod dies, its clients all reconnect to the survivors at once; each handshake costs a
 * JWT check, Redis presence and a MongoDB query, then the client's syncs. Past the rate the
 * handshake is refused RATE_LIMITED with a `retryAfterMs` the SDK waits out.
 *
 * The waits are handed out as turns: each refusal books the next free slot at the refill rate,
 * so 1,000 refused clients are told 0.0 s, 0.005 s, ... 5 s (at 200/s) and come back at the rate
 * the bucket admits, instead of all being told "in 5 ms" and stampeding again. Bookings lapse by
 * themselves (the horizon is a time, not a count): a client that went to another pod costs a
 * slot's worth of advice, never admission.
 *
 * Per pod and in memory by design: it protects this process's CPU, needs no Redis round trip on
 * the path a storm hammers, and the per-address limit (Redis, across pods) is a separate check.
 */
export class ConnectAdmission {
  private tokens: number;
  private refilledAt: number;
  /** The time up to which turns have been handed to refused clients. */
  private bookedUntil = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  /** `ratePerSec` 0 turns the limit off. */
  get enabled(): boolean {
    return this.ratePerSec > 0;
  }

  admit(): AdmissionDecision {
    if (!this.enabled) return { admitted: true, retryAfterMs: 0 };
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSec) / 1000);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { admitted: true, retryAfterMs: 0 };
    }
    const slotMs = 1000 / this.ratePerSec;
    // The earliest a token exists, or the first turn not handed out yet, whichever is later.
    const firstToken = now + (1 - this.tokens) * slotMs;
    const turn = Math.max(firstToken, this.bookedUntil);
    this.bookedUntil = turn + slotMs;
    return { admitted: false, retryAfterMs: Math.min(MAX_ADVICE_MS, Math.ceil(turn - now)) };
  }
}
