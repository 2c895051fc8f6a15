import { type BackoffPolicy, backoffDelay } from './backoff';
import { type Scheduler, Timer } from './scheduler';

export interface RoomRevCursorOptions {
  scheduler: Scheduler;
  /** How long a missing rev may stay missing (it is usually still on its way from another pod) before a sync. */
  gapHoldMs: number;
  /** Backoff of the syncs while a gap stays open (a rev allocated to a change that is still being written). */
  retry: BackoffPolicy;
  random?: () => number;
  /** A rev is still missing after the hold: sync the room (with `afterRev` = this cursor). */
  onGap(): void;
}

/**
 * A room's rev cursor: every change up to it has reached the client, so a sync asks only for
 * changes after it. Every change and every new message of a room takes the room's next rev and
 * is told to every member, so a client that hears them all sees the revs one after another,
 * like seqs, and the cursor moves with them; a rev that does not come within `gapHoldMs` (its
 * broadcast was lost with a pod, or it was allocated and never used) makes the room sync, and the
 * answer's `latestRev` moves the cursor past it. Without this, a long-connected client's next
 * sync would be sent every change it already heard since the previous sync.
 */
export class RoomRevCursor {
  private cursor: number | undefined;
  private readonly ahead = new Set<number>();
  private readonly gapTimer: Timer;
  private gapSyncs = 0;

  constructor(private readonly options: RoomRevCursorOptions) {
    this.gapTimer = new Timer(options.scheduler);
  }

  get value(): number | undefined {
    return this.cursor;
  }

  /** A rev heard ahead of the cursor still waits for the ones before it. */
  get gapOpen(): boolean {
    return this.ahead.size > 0;
  }

  /** A rev the client has heard: a new message's, a change's, a message's current state. */
  heard(rev: number): void {
    if (this.cursor === undefined || !Number.isSafeInteger(rev) || rev <= this.cursor) return;
    this.ahead.add(rev);
    this.advance();
    // Armed already (by an earlier gap, or backing off after a sync): keep that deadline.
    if (this.ahead.size > 0 && !this.gapTimer.armed) this.gapTimer.set(this.options.gapHoldMs, () => this.onGapTimer());
  }

  /**
   * A sync answered with this `latestRev` (or the app passed a saved cursor): every change up to
   * it is in that answer or an earlier one. Returns whether the cursor moved on.
   */
  reached(rev: number): boolean {
    const moves = Number.isSafeInteger(rev) && rev >= 0 && (this.cursor === undefined || rev > this.cursor);
    if (moves) {
      this.cursor = rev;
      this.advance();
    }
    if (this.ahead.size > 0) {
      // The gap outlived a sync: its rev is still being written, or was never used and the
      // server's watermark has not passed it yet. Ask again, less and less often.
      const delay = Math.max(this.options.gapHoldMs, backoffDelay(this.gapSyncs, this.options.retry, this.options.random));
      this.gapTimer.set(delay, () => this.onGapTimer());
    }
    return moves;
  }

  dispose(): void {
    this.gapTimer.clear();
    this.ahead.clear();
  }

  private advance(): void {
    if (this.cursor === undefined) return;
    let cursor = this.cursor;
    while (this.ahead.delete(cursor + 1)) cursor += 1;
    for (const rev of this.ahead) if (rev <= cursor) this.ahead.delete(rev);
    this.cursor = cursor;
    if (this.ahead.size === 0) {
      this.gapTimer.clear();
      this.gapSyncs = 0;
    }
  }

  private onGapTimer(): void {
    if (this.ahead.size === 0) return;
    this.gapSyncs += 1;
    this.options.onGap();
  }
}
