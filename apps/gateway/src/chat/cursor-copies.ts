import type { CursorUpdate } from '@campzone/store';

/** Each interval is written in this many slices, one per tick. */
const TICKS_PER_INTERVAL = 10;
/** Copies a tick writes at least, when that many are due. */
const MIN_PER_TICK = 10;

interface Pending {
  update: CursorUpdate;
  /** When this member's copy became pending: it is due one interval later. */
  since: number;
}

/**
 * Copies members' delivered cursors from Redis to MongoDB: each member's latest cursor, about
 * once per interval, written in small slices spread over the interval rather than all at once.
 *
 * Why slices: FerretDB on SQLite makes every updated document its own write transaction, and a
 * writer that finds SQLite's write lock taken sleeps in its busy handler (1, 2, 5 ... 100 ms)
 * whether or not the lock frees meanwhile. A flush of every member at once was a train of
 * transactions per gateway (about 35 at the bench's 10 x 10) that kept message inserts asleep
 * for up to a second; a tenth of them per tick leaves the lock free between slices. MongoDB
 * gets the same statements, spread out.
 *
 * A copy may so lag its Redis cursor by up to about two intervals, never lead it (see
 * ParticipantRepository.advanceDelivered): it matters only after a Redis loss.
 */
export class CursorCopies {
  /** By participantId; insertion order is the order of `since` (an update keeps its place). */
  private pending = new Map<string, Pending>();
  private writing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (batch: CursorUpdate[]) => Promise<void>,
    /** A failed write is reported, and its copies are kept (due at once) for the next tick. */
    private readonly onError: (err: unknown, size: number) => void,
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => void this.tick(), Math.max(10, Math.floor(everyMs / TICKS_PER_INTERVAL)));
    this.timer.unref();
  }

  set(update: CursorUpdate): void {
    const held = this.pending.get(update.participantId);
    if (held) held.update = update;
    else this.pending.set(update.participantId, { update, since: this.now() });
  }

  /** Writes a slice of the due copies, oldest first; skipped while the previous slice is out. */
  async tick(): Promise<void> {
    if (this.writing) return;
    const dueBefore = this.now() - this.everyMs;
    // A tenth of everything pending per tick keeps up with members acking all the time.
    const limit = Math.max(MIN_PER_TICK, Math.ceil(this.pending.size / TICKS_PER_INTERVAL));
    const slice: Pending[] = [];
    for (const entry of this.pending.values()) {
      if (entry.since > dueBefore || slice.length >= limit) break;
      slice.push(entry);
    }
    await this.writeOut(slice);
  }

  /** Writes every pending copy, due or not (drain). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.writing) await this.writing;
    await this.writeOut([...this.pending.values()]);
  }

  private async writeOut(slice: Pending[]): Promise<void> {
    if (slice.length === 0) return;
    for (const { update } of slice) this.pending.delete(update.participantId);
    this.writing = this.write(slice.map((p) => p.update))
      .catch((err: unknown) => {
        this.onError(err, slice.length);
        // Kept for the next tick, first in line; a cursor set while the write was out is newer and wins.
        const kept = new Map(slice.filter((p) => !this.pending.has(p.update.participantId)).map((p) => [p.update.participantId, p]));
        this.pending = new Map([...kept, ...this.pending]);
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }
}
