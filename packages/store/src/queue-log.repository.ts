import { type AnyBulkWriteOperation, type Collection, MongoBulkWriteError, ObjectId } from 'mongodb';
import { bulkWriteInChunks } from './bulk-write';
import type { QueueLogDoc, QueueLogStatus } from './documents';

export interface QueueLogEntry {
  messageId: string;
  roomId: string;
  seq: number;
}

export interface QueueLogFailure {
  messageId: string;
  errorMessage: string;
}

/** States an entry can still leave; DELIVERED and FAILED are final. */
const LIVE: QueueLogStatus[] = ['PENDING', 'RETRY'];

/**
 * The message_queue_log, written in bulk: one insertMany per batch at its first check and one
 * update per later outcome. Every write is conditional on the entry's state, so repeating one (a job
 * run twice) changes nothing more, no entry leaves DELIVERED, and none goes back to RETRY.
 */
export class QueueLogRepository {
  constructor(private readonly log: Collection<QueueLogDoc>) {}

  /**
   * Writes a batch's entries at its first check, each in the state it reached there: DELIVERED
   * (final) or RETRY (retry 1 sent). One insert per entry, where opening it PENDING first would
   * cost an update per message too: on FerretDB (v1, SQLite) every update, even by `_id`, scans
   * the collection, so that update grew with the log. Entries that exist already (the check run
   * again) go through the same conditional updates as later checks. Answers how many changed.
   */
  async openAtFirstCheck(
    outcome: { delivered: QueueLogEntry[]; retried: QueueLogEntry[] },
    maxRetries: number,
    nextRetryAt: Date,
    now = new Date(),
  ): Promise<{ delivered: number; retried: number }> {
    const entry = (e: QueueLogEntry, state: Pick<QueueLogDoc, 'status' | 'retryCount' | 'lastAttemptAt' | 'nextRetryAt'>): QueueLogDoc => ({
      _id: new ObjectId(e.messageId),
      messageId: new ObjectId(e.messageId),
      roomId: e.roomId,
      seq: e.seq,
      maxRetries,
      errorMessage: null,
      createdAt: now,
      ...state,
    });
    const docs = [
      ...outcome.delivered.map((e) => entry(e, { status: 'DELIVERED', retryCount: 0, lastAttemptAt: null, nextRetryAt: null })),
      ...outcome.retried.map((e) => entry(e, { status: 'RETRY', retryCount: 1, lastAttemptAt: now, nextRetryAt })),
    ];
    const existing = await this.insertNew(docs);
    const isNew = (e: QueueLogEntry) => !existing.has(e.messageId);
    const again = (entries: QueueLogEntry[]) => entries.filter((e) => !isNew(e)).map((e) => e.messageId);
    return {
      delivered: outcome.delivered.filter(isNew).length + (await this.markDelivered(again(outcome.delivered))),
      retried: outcome.retried.filter(isNew).length + (await this.markRetry(again(outcome.retried), 1, nextRetryAt, now)),
    };
  }

  /** Inserts the documents; answers the messageIds that had an entry already. */
  private async insertNew(docs: QueueLogDoc[]): Promise<Set<string>> {
    if (docs.length === 0) return new Set();
    try {
      await this.log.insertMany(docs, { ordered: false });
      return new Set();
    } catch (err) {
      // Duplicates of the unique messageId index are the repeat case; anything else is real.
      const errors = err instanceof MongoBulkWriteError ? toArray(err.writeErrors) : [];
      if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw err;
      return new Set(errors.map((e) => docs[e.index]!.messageId.toHexString()));
    }
  }

  /** Records retry number `attempt` (1-based) for live entries that have not recorded it yet. */
  async markRetry(messageIds: string[], attempt: number, nextRetryAt: Date, now = new Date()): Promise<number> {
    if (messageIds.length === 0) return 0;
    const result = await this.log.updateMany(
      { messageId: { $in: messageIds.map((id) => new ObjectId(id)) }, status: { $in: LIVE }, retryCount: { $lt: attempt } },
      { $set: { status: 'RETRY', retryCount: attempt, lastAttemptAt: now, nextRetryAt } },
    );
    return result.modifiedCount;
  }

  /**
   * Every online member holds these messages: final. The most frequent write of the log, so it
   * finds entries by `_id` alone: FerretDB scans the whole collection for any other filter, once
   * per check of every batch. The condition lives in the update instead: `$min` keeps DELIVERED
   * (it sorts before PENDING and RETRY), so a repeat changes nothing. The one state it does not
   * keep is FAILED, which sorts after: a verdict run again after the last member acked after all
   * records DELIVERED, which is then true.
   */
  async markDelivered(messageIds: string[]): Promise<number> {
    if (messageIds.length === 0) return 0;
    const ops: AnyBulkWriteOperation<QueueLogDoc>[] = messageIds.map((id) => ({
      updateOne: { filter: { _id: new ObjectId(id) }, update: { $min: { status: 'DELIVERED' }, $set: { nextRetryAt: null } } },
    }));
    return (await bulkWriteInChunks(this.log, ops)).modifiedCount;
  }

  /** Retries exhausted: final, with why and who (one round trip for any number of entries). */
  async markFailed(failures: QueueLogFailure[], now = new Date()): Promise<number> {
    if (failures.length === 0) return 0;
    const ops: AnyBulkWriteOperation<QueueLogDoc>[] = failures.map((f) => ({
      updateOne: {
        filter: { messageId: new ObjectId(f.messageId), status: { $in: LIVE } },
        update: { $set: { status: 'FAILED', errorMessage: f.errorMessage, lastAttemptAt: now, nextRetryAt: null } },
      },
    }));
    return (await bulkWriteInChunks(this.log, ops)).modifiedCount;
  }

  /**
   * Live entries whose next check is long overdue lost their job (Redis lost it, or it failed
   * for good): they are failed with `reason` rather than left PENDING forever.
   */
  async failOverdue(overdueBefore: Date, reason: string, now = new Date()): Promise<number> {
    const result = await this.log.updateMany(
      { nextRetryAt: { $lt: overdueBefore }, status: { $in: LIVE } },
      { $set: { status: 'FAILED', errorMessage: reason, lastAttemptAt: now, nextRetryAt: null } },
    );
    return result.modifiedCount;
  }

  /** Deletes final entries created before `cutoff` (retention). */
  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    const result = await this.log.deleteMany({ createdAt: { $lt: cutoff }, status: { $in: ['DELIVERED', 'FAILED'] } });
    return result.deletedCount;
  }

  findByMessageIds(messageIds: string[]): Promise<QueueLogDoc[]> {
    return this.log.find({ messageId: { $in: messageIds.map((id) => new ObjectId(id)) } }, { projection: { _id: 0 } }).toArray();
  }
}

function toArray<T extends object>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as T];
}
