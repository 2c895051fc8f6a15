import { MESSAGE_STATUS_RANK, type MessageStatus } from '@campzone/protocol';
import { type Collection, ObjectId } from 'mongodb';
import type { MessageDoc } from './documents';

/** Fields clients see; the idempotency key stays on the server. */
const wireProjection = {
  _id: 1,
  roomId: 1,
  senderId: 1,
  content: 1,
  lamportTimestamp: 1,
  seq: 1,
  status: 1,
  messageType: 1,
  createdAt: 1,
  keyVersion: 1,
} as const;

export type StoredMessage = Omit<MessageDoc, 'idempotencyKey'>;

export interface SeqPage {
  messages: StoredMessage[];
  hasMore: boolean;
}

/** Queries filter by roomId (rooms are the shard key and the unit of ordering), but for findBySenderKey. */
export class MessageRepository {
  constructor(private readonly messages: Collection<MessageDoc>) {}

  /**
   * The one lookup not keyed by room: the idempotency index is unique per sender across
   * rooms, so a key reused in another room must be found to be refused.
   */
  findBySenderKey(senderId: string, idempotencyKey: string): Promise<MessageDoc | null> {
    return this.messages.findOne({ senderId, idempotencyKey });
  }

  findById(roomId: string, messageId: string): Promise<StoredMessage | null> {
    if (!ObjectId.isValid(messageId)) return Promise.resolve(null);
    return this.messages.findOne({ roomId, _id: new ObjectId(messageId) }, { projection: wireProjection });
  }

  /** The room's highest stored seq and lamport (both grow together), for re-seeding Redis. */
  async latestCounters(roomId: string): Promise<{ seq: number; lamport: number }> {
    const [top] = await this.messages
      .find({ roomId }, { projection: { seq: 1, lamportTimestamp: 1 } })
      .sort({ seq: -1 })
      .limit(1)
      .toArray();
    return { seq: top?.seq ?? 0, lamport: top?.lamportTimestamp ?? 0 };
  }

  /** Messages with seq > afterSeq, oldest first (sync, and history paging forward). */
  async afterSeq(roomId: string, afterSeq: number, limit: number, beforeSeq?: number): Promise<SeqPage> {
    const seq = beforeSeq === undefined ? { $gt: afterSeq } : { $gt: afterSeq, $lt: beforeSeq };
    const rows = await this.messages
      .find({ roomId, seq }, { projection: wireProjection })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .toArray();
    return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** The newest messages (before beforeSeq when given), returned oldest first. */
  async latest(roomId: string, limit: number, options: { skip?: number; beforeSeq?: number } = {}): Promise<SeqPage> {
    const filter = options.beforeSeq === undefined ? { roomId } : { roomId, seq: { $lt: options.beforeSeq } };
    const rows = await this.messages
      .find(filter, { projection: wireProjection })
      .sort({ seq: -1 })
      .skip(options.skip ?? 0)
      .limit(limit + 1)
      .toArray();
    const hasMore = rows.length > limit;
    return { messages: rows.slice(0, limit).reverse(), hasMore };
  }

  /** Raises the status of every message up to uptoSeq; never lowers one (READ stays READ). */
  async raiseStatus(roomId: string, uptoSeq: number, status: MessageStatus): Promise<number> {
    const lower = (Object.keys(MESSAGE_STATUS_RANK) as MessageStatus[]).filter((s) => MESSAGE_STATUS_RANK[s] < MESSAGE_STATUS_RANK[status]);
    const result = await this.messages.updateMany({ roomId, seq: { $lte: uptoSeq }, status: { $in: lower } }, { $set: { status } });
    return result.modifiedCount;
  }
}
