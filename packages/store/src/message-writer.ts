import { type Collection, MongoBulkWriteError, MongoServerError, type WriteError } from 'mongodb';
import type { MessageDoc } from './documents';

export type WriteOutcome = 'inserted' | 'duplicate';

export interface BatchStats {
  size: number;
  durationMs: number;
  failed: boolean;
}

export interface MessageWriterOptions {
  /** Flush as soon as this many documents wait. */
  maxBatch: number;
  /** How long the first waiting document may wait for company; 0 = next tick. */
  windowMs: number;
  /**
   * Writes per second below which the window is not waited: the document goes out on the next
   * tick. At 5 ms and 50 writes/s a window gathers hardly anyone and only delays its message;
   * 0 waits at every rate.
   */
  windowMinRate?: number;
  /**
   * Batches on the wire at once. While they are, new documents gather into the next batch
   * (group commit): under load batches grow instead of the store seeing more writers.
   */
  maxInFlight: number;
  /**
   * Documents waiting or on the wire at most; beyond it write() refuses at once. While the store
   * hangs every send would otherwise wait here, each holding its seq, until memory runs out.
   * Default 10 000.
   */
  maxPending?: number;
  onBatch?: (stats: BatchStats) => void;
}

const DEFAULT_MAX_PENDING = 10_000;
/** Gaps longer than this count as this long: a quiet minute must not need a minute of writes to forget. */
const MAX_GAP_MS = 1000;
/** Weight of the newest gap in the mean: about the last 16 writes decide. */
const GAP_WEIGHT = 1 / 16;

/** write() refused: too many documents already wait for the store. Nothing of it was written. */
export class StoreOverloadedError extends Error {
  override readonly name = 'StoreOverloadedError';

  constructor(pending: number) {
    super(`store overloaded: ${pending} messages already wait for MongoDB; retry later`);
  }
}

/** How a batch went: whether any document failed, and what tells each caller its fate. */
interface Outcome {
  failed: boolean;
  settle: () => void;
}

interface Pending {
  doc: MessageDoc;
  resolve: (outcome: WriteOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers concurrent sends into one insert command (unordered) per short window, or per batch in
 * flight when the store is slower than that, so MongoDB sees one round trip per batch rather
 * than per message. Each caller learns its own document's fate: inserted, a duplicate-key
 * clash (the caller finds out which index), or an error.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Documents in batches on the wire (the queue holds the rest). */
  private inFlightDocs = 0;
  /** Moving mean of the gaps between writes, from which the window is waited or not. */
  private meanGapMs = MAX_GAP_MS;
  private lastWriteAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly messages: Collection<MessageDoc>,
    private readonly options: MessageWriterOptions,
  ) {}

  write(doc: MessageDoc): Promise<WriteOutcome> {
    const pending = this.queue.length + this.inFlightDocs;
    if (pending >= (this.options.maxPending ?? DEFAULT_MAX_PENDING)) return Promise.reject(new StoreOverloadedError(pending));
    const waitMs = this.windowFor(performance.now());
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (this.inFlight.size >= this.options.maxInFlight) return; // the next settle flushes it
      if (this.queue.length >= this.options.maxBatch) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), waitMs);
    });
  }

  /** Records a write at `now` and says how long a batch it opens should wait for company. */
  private windowFor(now: number): number {
    const gap = Math.min(now - this.lastWriteAt, MAX_GAP_MS);
    this.lastWriteAt = now;
    this.meanGapMs += (gap - this.meanGapMs) * GAP_WEIGHT;
    const rate = 1000 / this.meanGapMs;
    return rate >= (this.options.windowMinRate ?? 0) ? this.options.windowMs : 0;
  }

  /** Writes whatever waits and resolves when every batch in flight has settled (for draining). */
  async flush(): Promise<void> {
    this.flushNow();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 && this.inFlight.size < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlightDocs += batch.length;
      const done = (settle: () => void) => {
        this.inFlight.delete(run);
        this.inFlightDocs -= batch.length;
        // What gathered meanwhile has waited long enough: send it at once.
        this.flushNow();
        // Callers learn their outcome only now: one that writes again at once must find this
        // batch's room free, not be refused as overloaded by documents already stored.
        settle();
      };
      // Only a throwing onBatch sink rejects: its callers retry with their keys, which finds
      // whatever was stored. Either way the batch's room is given back.
      const run: Promise<void> = this.insert(batch).then(done, (err: unknown) => done(() => rejectAll(batch, err)));
      this.inFlight.add(run);
    }
  }

  /** Writes one batch and returns what settles each caller's promise (store errors included). */
  private async insert(batch: Pending[]): Promise<() => void> {
    const started = performance.now();
    const [lone] = batch;
    // A batch of one is the usual case below a few hundred messages per second per pod:
    // insertOne sends the same insert command without the driver's bulk-write machinery (a
    // bulk operation, its batches, its result objects), a share of every send's CPU.
    const outcome = batch.length === 1 && lone ? await this.insertOne(lone) : await this.insertMany(batch);
    this.options.onBatch?.({ size: batch.length, durationMs: performance.now() - started, failed: outcome.failed });
    return outcome.settle;
  }

  private async insertOne(p: Pending): Promise<Outcome> {
    try {
      await this.messages.insertOne(p.doc);
      return { failed: false, settle: () => p.resolve('inserted') };
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) return { failed: true, settle: () => p.resolve('duplicate') };
      return { failed: true, settle: () => p.reject(err) };
    }
  }

  private async insertMany(batch: Pending[]): Promise<Outcome> {
    try {
      await this.messages.insertMany(
        batch.map((p) => p.doc),
        { ordered: false },
      );
      return {
        failed: false,
        settle: () => {
          for (const p of batch) p.resolve('inserted');
        },
      };
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) return { failed: true, settle: () => rejectAll(batch, err) };
      const errors = new Map<number, WriteError>();
      for (const e of toArray(err.writeErrors)) errors.set(e.index, e);
      // A lost server also surfaces as a bulk write error, with no per-document errors and
      // nothing inserted: a document counts as stored only if the counts account for it.
      // Otherwise its fate is unknown and its sender retries with the same key (idempotent).
      const accounted = err.insertedCount === batch.length - errors.size;
      const settle = () =>
        batch.forEach((p, i) => {
          const e = errors.get(i);
          if (!e) {
            if (accounted) p.resolve('inserted');
            else p.reject(new Error(`insert not confirmed: ${err.message}`));
          } else if (e.code === 11000) p.resolve('duplicate');
          else p.reject(new Error(`insert failed: ${e.errmsg ?? e.code}`));
        });
      return { failed: true, settle };
    }
  }
}

function rejectAll(batch: Pending[], err: unknown): void {
  for (const p of batch) p.reject(err);
}

function toArray<T extends object>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as T];
}
