import type { ChatMessage } from '@campzone/protocol';
import { type BackoffPolicy, backoffDelay } from './backoff';
import { BoundedSet } from './bounded-set';
import { type Scheduler, Timer } from './scheduler';

/** One answer to `sync {roomId, afterSeq, limit?}` (the `synced` payload, minus its envelope). */
export interface SyncPage {
  messages: readonly ChatMessage[];
  latestSeq: number;
  hasMore: boolean;
  /** Seqs the server says hold no message and never will: moved past without waiting. */
  holes?: readonly number[];
  /**
   * The answer moved the room's rev cursor on: with `hasMore`, it may have been capped by its
   * changes rather than its messages, so the next page is worth asking for even if seq stood still.
   */
  revAdvanced?: boolean;
}

export type FetchAfter = (afterSeq: number, limit?: number) => Promise<SyncPage>;

export interface PresentInfo {
  /**
   * True for a message whose seq had already been skipped as a hole (its sender stored it
   * long after allocating the seq). It is presented anyway, once, rather than lost; `seq`
   * tells the app where it belongs.
   */
  late: boolean;
}

export type ReceiveOutcome = 'presented' | 'held' | 'duplicate' | 'late' | 'ignored';

export interface RoomTimelineOptions {
  roomId: string;
  /** Resume after this seq (a cursor the app kept). Omitted: anchor on the server's latest seq. */
  afterSeq?: number;
  /** With no cursor, how many of the room's most recent messages to present at start. */
  initialHistory: number;
  /** How long a message ahead of a gap waits for the missing ones before a sync. */
  gapHoldMs: number;
  /**
   * A missing seq is a hole (allocated, never stored) once a complete sync that started this
   * long after a later message arrived still does not have it; the timeline then moves past it.
   */
  holeTimeoutMs: number;
  /** Backoff between failed syncs. */
  retry: BackoffPolicy;
  /** Something else of the room that only a sync brings is missing too (its changes' revs). */
  otherGapOpen?(): boolean;
  fetchAfter: FetchAfter;
  present(message: ChatMessage, info: PresentInfo): void;
  /** The cursor moved (presented, skipped a hole, or anchored): the client acks up to it. */
  advanced?(lastSeq: number): void;
  onError?(err: unknown): void;
  scheduler: Scheduler;
  random?: () => number;
  /** How many recent message ids to remember for duplicate detection. */
  seenIdsCapacity?: number;
}

const SKIPPED_CAPACITY = 1000;

/**
 * One room's ordering buffer: presents each message exactly once, in seq order.
 *
 * `lastSeq` is the highest contiguous seq presented. A message at `lastSeq + 1` is presented at
 * once, followed by any held successors; one ahead of a gap is held for `gapHoldMs`, then the
 * gap is filled with a sync from `lastSeq`. Duplicates are dropped by messageId and by
 * `seq <= lastSeq`. A gap that complete syncs keep confirming empty past `holeTimeoutMs` is a
 * hole the server will never fill (a sender crashed between allocating the seq and storing it)
 * and is skipped. The timeline never touches a socket: it is handed messages and a fetch.
 */
export class RoomTimeline {
  readonly roomId: string;
  private cursor: number | undefined;
  private readonly held = new Map<number, { message: ChatMessage; at: number }>();
  private readonly seenIds: BoundedSet<string>;
  private readonly skipped = new BoundedSet<number>(SKIPPED_CAPACITY);
  /** Seqs past the cursor that the server named holes; the cursor moves over them like over a message. */
  private readonly holes = new Set<number>();
  private readonly gapTimer: Timer;
  private readonly retryTimer: Timer;
  private running: Promise<void> | undefined;
  private queuedRun: Promise<void> | undefined;
  /** A caller of the queued run needs it whatever the run before it brings (see catchUp). */
  private queuedUnconditional = false;
  private failures = 0;
  private disposed = false;

  constructor(private readonly options: RoomTimelineOptions) {
    this.roomId = options.roomId;
    this.cursor = options.afterSeq;
    this.seenIds = new BoundedSet(options.seenIdsCapacity ?? 2000);
    this.gapTimer = new Timer(options.scheduler);
    this.retryTimer = new Timer(options.scheduler);
  }

  /** Highest contiguous seq presented (or skipped); undefined until the timeline is anchored. */
  get lastSeq(): number | undefined {
    return this.cursor;
  }

  /** Messages waiting behind a gap (or for the anchor). */
  get heldCount(): number {
    return this.held.size;
  }

  /** Feeds one message, live or from a sync, in any order, any number of times. */
  receive(message: ChatMessage): ReceiveOutcome {
    if (this.disposed || message.roomId !== this.roomId || !Number.isSafeInteger(message.seq) || message.seq < 1) return 'ignored';
    const { seq, messageId } = message;
    if (this.cursor !== undefined && seq <= this.cursor) {
      if (this.seenIds.has(messageId) || !this.skipped.delete(seq)) return 'duplicate';
      this.seenIds.add(messageId);
      this.options.present(message, { late: true });
      return 'late';
    }
    if (this.held.has(seq)) {
      this.refreshHeld(message);
      return 'duplicate';
    }
    if (this.seenIds.has(messageId)) return 'duplicate';
    this.seenIds.add(messageId);
    this.held.set(seq, { message, at: this.options.scheduler.now() });
    if (this.cursor === undefined) return 'held';
    const before = this.cursor;
    this.drain();
    if (this.cursor > before) return 'presented';
    this.gapTimer.setIfSooner(this.options.gapHoldMs, () => void this.fillGap());
    return 'held';
  }

  /**
   * Syncs from `lastSeq` until the server has nothing more (repeating while `hasMore`), anchoring
   * first if needed. Used after (re)connect and when a gap is not filled in time. Concurrent
   * calls share one run, plus at most one queued run so a caller always gets a sync that
   * started after its call. Never rejects: failures are reported and retried with backoff.
   */
  catchUp(): Promise<void> {
    return this.schedule(true);
  }

  /**
   * A sync for a gap: like catchUp, except that it is dropped if, when its turn comes, nothing is
   * missing any more. Behind a running sync that is the rule: every member that heard the same
   * gap would otherwise sync twice, and in a reconnect storm the second syncs were most of them.
   */
  fillGap(): Promise<void> {
    return this.schedule(false);
  }

  private schedule(unconditional: boolean): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.running) {
      if (unconditional) this.queuedUnconditional = true;
      this.queuedRun ??= this.running.then(() => {
        this.queuedRun = undefined;
        const wanted = this.queuedUnconditional;
        this.queuedUnconditional = false;
        return this.schedule(wanted);
      });
      return this.queuedRun;
    }
    if (!unconditional && !this.gapOpen()) return Promise.resolve();
    this.retryTimer.clear();
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops timers and drops held messages; the timeline ignores everything afterwards. */
  dispose(): void {
    this.disposed = true;
    this.gapTimer.clear();
    this.retryTimer.clear();
    this.held.clear();
    this.holes.clear();
  }

  private async run(): Promise<void> {
    const startedAt = this.options.scheduler.now();
    try {
      const anchoredOnAll = this.cursor === undefined && (await this.anchor());
      if (!anchoredOnAll) await this.fetchUntilLatest();
      this.failures = 0;
      if (!this.disposed) this.settleGaps(startedAt);
    } catch (err) {
      if (this.disposed) return;
      this.failures += 1;
      this.options.onError?.(err);
      const delay = backoffDelay(this.failures, this.options.retry, this.options.random);
      this.retryTimer.set(delay, () => void this.catchUp());
    }
  }

  /**
   * A room with no cursor starts `initialHistory` messages before the server's latest seq, and
   * never after a message already held (those arrived live while we asked). Answers whether the
   * probe held everything stored up to the latest seq (a new room: nothing, or one message), so
   * no page after it is needed: whatever is stored later arrives live, or as a gap.
   */
  private async anchor(): Promise<boolean> {
    const probe = await this.options.fetchAfter(0, 1);
    if (this.disposed || this.cursor !== undefined) return false;
    const latest = Number.isSafeInteger(probe.latestSeq) ? probe.latestSeq : 0;
    let anchor = Math.max(0, latest - this.options.initialHistory);
    const lowestHeld = this.lowestHeldSeq();
    if (lowestHeld !== undefined) anchor = Math.min(anchor, lowestHeld - 1);
    this.cursor = anchor;
    this.options.advanced?.(anchor);
    for (const message of probe.messages) this.receive(message);
    this.drain();
    const probeTop = Math.max(0, ...probe.messages.map((m) => m.seq));
    return !probe.hasMore && (probe.holes?.length ?? 0) === 0 && latest <= probeTop;
  }

  private async fetchUntilLatest(): Promise<void> {
    let after = this.cursor ?? 0;
    for (;;) {
      const page = await this.options.fetchAfter(after);
      if (this.disposed) return;
      let pageMax = after;
      // Before anything in the page fills a gap: held messages it has newer copies of go out as those.
      for (const message of page.messages) this.refreshHeld(message);
      for (const seq of page.holes ?? []) {
        if (Number.isSafeInteger(seq) && seq > (this.cursor ?? 0)) this.holes.add(seq);
        if (seq > pageMax) pageMax = seq;
      }
      for (const message of page.messages) {
        this.receive(message);
        if (message.seq > pageMax) pageMax = message.seq;
      }
      this.drain();
      // Continue from the page's end, not from lastSeq: a hole inside the page would otherwise
      // make us ask for the same page forever. Stop if a page made no progress.
      const next = Math.max(pageMax, this.cursor ?? 0);
      if (!page.hasMore || (next <= after && !page.revAdvanced)) return;
      after = next;
    }
  }

  /** After a complete sync: skip the holes it proved, re-check the gaps that may still fill. */
  private settleGaps(syncStartedAt: number): void {
    while (this.held.size > 0 && this.cursor !== undefined) {
      const firstArrival = this.earliestHeldArrival();
      if (firstArrival + this.options.holeTimeoutMs > syncStartedAt) break;
      this.skipTo(this.lowestHeldSeq()! - 1);
    }
    if (this.held.size === 0) {
      this.gapTimer.clear();
      return;
    }
    const now = this.options.scheduler.now();
    const skippableAt = this.earliestHeldArrival() + this.options.holeTimeoutMs;
    this.gapTimer.set(Math.max(this.options.gapHoldMs, skippableAt - now), () => void this.fillGap());
  }

  private skipTo(seq: number): void {
    const from = (this.cursor ?? 0) + 1;
    // Remember the skipped seqs so a very late message can still be shown once (marked late).
    for (let s = Math.max(from, seq - SKIPPED_CAPACITY + 1); s <= seq; s++) this.skipped.add(s);
    this.cursor = seq;
    this.drain(true);
  }

  /** Presents held messages contiguous with the cursor and reports the cursor's move. */
  private drain(forceAdvanced = false): void {
    if (this.cursor === undefined) return;
    const before = this.cursor;
    let cursor = before;
    for (;;) {
      // Re-read: the app's present callback may have fed this timeline meanwhile.
      cursor = this.cursor ?? cursor;
      const next = cursor + 1;
      const entry = this.held.get(next);
      if (entry) {
        this.held.delete(next);
        this.cursor = cursor = next;
        this.options.present(entry.message, { late: false });
        if (this.disposed) return;
      } else if (this.holes.delete(next)) this.cursor = cursor = next;
      else break;
    }
    for (const seq of this.holes) if (seq <= cursor) this.holes.delete(seq);
    if (this.held.size === 0) this.gapTimer.clear();
    if (cursor > before || forceAdvanced) this.options.advanced?.(cursor);
  }

  /** A copy of a held message that changed since (a sync after an edit) is the one to present. */
  private refreshHeld(message: ChatMessage): void {
    const held = this.held.get(message.seq);
    if (held && held.message.messageId === message.messageId && (message.rev ?? 0) > (held.message.rev ?? 0)) held.message = message;
  }

  private gapOpen(): boolean {
    return this.held.size > 0 || this.options.otherGapOpen?.() === true;
  }

  private lowestHeldSeq(): number | undefined {
    let lowest: number | undefined;
    for (const seq of this.held.keys()) if (lowest === undefined || seq < lowest) lowest = seq;
    return lowest;
  }

  private earliestHeldArrival(): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const { at } of this.held.values()) if (at < earliest) earliest = at;
    return earliest;
  }
}
