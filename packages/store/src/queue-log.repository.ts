import { type AnyBulkWriteOperation, type Collection, MongoBulkWriteError, ObjectId } from 'mongodb';
import { bulkWriteInChunks } from './bulk-write';
import type { QueueLogDoc, QueueLogStatus } from './documents';

export interface QueueLogEntry {
  messageId: string;
  roomId: string;
  seq: number;
}

/** A message addressed in its room: every write of the log names both (roomId is the shard key). */
export interface QueueLogRef {
  messageId: string;
  roomId: string;
}

export interface QueueLogFailure extends QueueLogRef {
  errorMessage: string;
}

/** States an entry can still leave; DELIVERED and FAILED are final. */
const LIVE: QueueLogStatus[] = ['PENDING', 'RETRY'];

/**
 * The message_queue_log, for messages that needed a re-send: a message every online member
 * acked at its first check gets no entry (its DELIVERED state is the room's status floor). An
 * entry is inserted RETRY when its first re-send goes out, and updated per later outcome with one
 * statement per room, whatever the number of messages. Every write is conditional on the entry's
 * state, so repeating one (a job run twice) changes nothing more, no entry leaves DELIVERED, and
 * none goes back to RETRY.
 */
export class QueueLogRepository {
  constructor(private readonly log: Collection<QueueLogDoc>) {}

  /**
   * Opens the entries of messages whose first re-send goes out now (retry 1). Entries that exist
   * already (the check run again) get the same conditional update as a later retry. Answers how
   * many entries this recorded the retry in.
   */
  async openRetried(entries: QueueLogEntry[], maxRetries: number, nextRetryAt: Date, now = new Date()): Promise<number> {
    if (entries.length === 0) return 0;
    const docs: QueueLogDoc[] = entries.map((e) => ({
      _id: new ObjectId(e.messageId),
      messageId: new ObjectId(e.messageId),
      roomId: e.roomId,
      seq: e.seq,
      status: 'RETRY',
      retryCount: 1,
      maxRetries,
      lastAttemptAt: now,
      nextRetryAt,
      errorMessage: null,
      createdAt: now,
    }));
    const existing = await this.insertNew(docs);
    const again = entries.filter((e) => existing.has(e.messageId));
    return entries.length - again.length + (await this.markRetry(again, 1, nextRetryAt, now));
  }

  /** Inserts the documents; answers the messageIds that had an entry already. */
  private async insertNew(docs: QueueLogDoc[]): Promise<Set<string>> {
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
  async markRetry(refs: QueueLogRef[], attempt: number, nextRetryAt: Date, now = new Date()): Promise<number> {
    return this.perRoom(refs, (roomId, ids) => ({
      updateMany: {
        filter: { roomId, _id: { $in: ids }, status: { $in: LIVE }, retryCount: { $lt: attempt } },
        update: { $set: { status: 'RETRY', retryCount: attempt, lastAttemptAt: now, nextRetryAt } },
      },
    }));
  }

  /**
   * Every online member holds these messages: final. `$min` keeps DELIVERED (it sorts before
   * PENDING and RETRY), so a repeat changes nothing; the one state it does not keep is FAILED,
   * which sorts after: a verdict run again after the last member acked after all records
   * DELIVERED, which is then true. Messages without an entry are left without one.
   */
  async markDelivered(refs: QueueLogRef[]): Promise<number> {
    return this.perRoom(refs, (roomId, ids) => ({
      updateMany: { filter: { roomId, _id: { $in: ids } }, update: { $min: { status: 'DELIVERED' }, $set: { nextRetryAt: null } } },
    }));
  }

  /** Retries exhausted: final, with why and who; one statement per room and reason. */
  async markFailed(failures: QueueLogFailure[], now = new Date()): Promise<number> {
    const byReason = new Map<string, QueueLogFailure[]>();
    for (const f of failures) byReason.set(f.errorMessage, [...(byReason.get(f.errorMessage) ?? []), f]);
    let changed = 0;
    for (const [errorMessage, refs] of byReason) {
      changed += await this.perRoom(refs, (roomId, ids) => ({
        updateMany: {
          filter: { roomId, _id: { $in: ids }, status: { $in: LIVE } },
          update: { $set: { status: 'FAILED', errorMessage, lastAttemptAt: now, nextRetryAt: null } },
        },
      }));
    }
    return changed;
  }

  /**
   * Live entries whose next check is long overdue lost their job (Redis lost it, or it failed
   * for good): they are failed with `reason` rather than left PENDING forever. Spans rooms on
   * purpose (a sweep), served by the nextRetryAt index.
   */
  async failOverdue(overdueBefore: Date, reason: string, now = new Date()): Promise<number> {
    const result = await this.log.updateMany(
      { nextRetryAt: { $lt: overdueBefore }, status: { $in: LIVE } },
      { $set: { status: 'FAILED', errorMessage: reason, lastAttemptAt: now, nextRetryAt: null } },
    );
    return result.modifiedCount;
  }

  /** Deletes final entries created before `cutoff` (retention; spans rooms on purpose). */
  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    const result = await this.log.deleteMany({ createdAt: { $lt: cutoff }, status: { $in: ['DELIVERED', 'FAILED'] } });
    return result.deletedCount;
  }

  /** The entries of these messages of one room (those that needed a re-send). */
  findInRoom(roomId: string, messageIds: string[]): Promise<QueueLogDoc[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.log.find({ roomId, _id: { $in: messageIds.map((id) => new ObjectId(id)) } }, { projection: { _id: 0 } }).toArray();
  }

  /** One statement per room in one round trip; answers how many entries changed. */
  private async perRoom(refs: QueueLogRef[], op: (roomId: string, ids: ObjectId[]) => AnyBulkWriteOperation<QueueLogDoc>): Promise<number> {
    if (refs.length === 0) return 0;
    const byRoom = new Map<string, ObjectId[]>();
    for (const r of refs) byRoom.set(r.roomId, [...(byRoom.get(r.roomId) ?? []), new ObjectId(r.messageId)]);
    return (
      await bulkWriteInChunks(
        this.log,
        [...byRoom].map(([roomId, ids]) => op(roomId, ids)),
      )
    ).modifiedCount;
  }
}

function toArray<T extends object>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as T];
}
