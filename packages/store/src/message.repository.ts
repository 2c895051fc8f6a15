import { MESSAGE_STATUS_RANK, type MessageStatus, ROOM_MENTION } from '@campzone/protocol';
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
  hole: 1,
  rev: 1,
  editedAt: 1,
  deletedAt: 1,
  deletedBy: 1,
  replyTo: 1,
  threadRootId: 1,
  thread: 1,
  reactions: 1,
  mentions: 1,
  pinned: 1,
} as const;

export type StoredMessage = Omit<MessageDoc, 'idempotencyKey'>;

export interface SeqPage {
  /** The page's messages; holes are never among them. */
  messages: StoredMessage[];
  /** Seqs of the page's range that hold a hole (see seq-hole.ts), ascending. */
  holes: number[];
  /** The highest seq the page covers, hole or message; 0 for an empty page. */
  topSeq: number;
  hasMore: boolean;
}

/** A stored message as delivery tracking names it. */
export interface MessageRef {
  messageId: string;
  roomId: string;
  seq: number;
  senderId: string;
  createdAt: Date;
}

/**
 * Queries filter by roomId (rooms are the shard key and the unit of ordering), but for
 * findBySenderKey and createdBetween (room-filter-guard.ts lists them).
 */
export class MessageRepository {
  constructor(private readonly messages: Collection<MessageDoc>) {}

  /**
   * The one lookup not keyed by room: the idempotency index is unique per sender across
   * rooms, so a key reused in another room must be found to be refused.
   */
  findBySenderKey(senderId: string, idempotencyKey: string): Promise<MessageDoc | null> {
    return this.messages.findOne({ senderId, idempotencyKey });
  }

  async findById(roomId: string, messageId: string): Promise<StoredMessage | null> {
    if (!ObjectId.isValid(messageId)) return null;
    const found = await this.messages.findOne({ roomId, _id: new ObjectId(messageId) }, { projection: wireProjection });
    return found?.hole ? null : found;
  }

  /** The room's highest stored seq (holes count: a hole's seq is taken). */
  async latestSeq(roomId: string): Promise<number> {
    const [top] = await this.messages
      .find({ roomId }, { projection: { seq: 1 } })
      .sort({ seq: -1 })
      .limit(1)
      .toArray();
    return top?.seq ?? 0;
  }

  /** The room's highest stored seq and lamport (both grow together) and rev, for re-seeding Redis. */
  async latestCounters(roomId: string): Promise<{ seq: number; lamport: number; rev: number }> {
    const [[top], [topRev]] = await Promise.all([
      this.messages
        .find({ roomId }, { projection: { seq: 1, lamportTimestamp: 1 } })
        .sort({ seq: -1 })
        .limit(1)
        .toArray(),
      this.messages
        .find({ roomId }, { projection: { rev: 1 } })
        .sort({ rev: -1 })
        .limit(1)
        .toArray(),
    ]);
    return { seq: top?.seq ?? 0, lamport: top?.lamportTimestamp ?? 0, rev: topRev?.rev ?? 0 };
  }

  /**
   * Messages up to uptoSeq changed after afterRev, in rev order: what a syncing client holds an
   * older copy of. A new message's rev is its creation, so only those it already holds count.
   */
  async changedSince(
    roomId: string,
    uptoSeq: number,
    afterRev: number,
    limit: number,
  ): Promise<{ messages: StoredMessage[]; hasMore: boolean }> {
    const rows = await this.messages
      .find({ roomId, rev: { $gt: afterRev }, seq: { $lte: uptoSeq } }, { projection: wireProjection })
      .sort({ rev: 1 })
      .limit(limit + 1)
      .toArray();
    return { messages: rows.slice(0, limit).filter((m) => !m.hole), hasMore: rows.length > limit };
  }

  /** A thread's replies after afterSeq, in seq order. */
  async threadReplies(
    roomId: string,
    rootId: ObjectId,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: StoredMessage[]; hasMore: boolean }> {
    const rows = await this.messages
      .find({ roomId, threadRootId: rootId, seq: { $gt: afterSeq } }, { projection: wireProjection })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .toArray();
    return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** A thread's summary as its replies stand: count, last reply, up to 5 recent distinct repliers. */
  async threadStats(roomId: string, rootId: ObjectId): Promise<{ replyCount: number; lastReplyAt: Date; repliers: string[] } | null> {
    const filter = { roomId, threadRootId: rootId, deletedAt: { $exists: false } };
    const [replyCount, recent] = await Promise.all([
      this.messages.countDocuments(filter),
      this.messages
        .find(filter, { projection: { senderId: 1, createdAt: 1 } })
        .sort({ seq: -1 })
        .limit(50)
        .toArray(),
    ]);
    const last = recent[0];
    if (!last) return null;
    const repliers = [...new Set(recent.map((r) => r.senderId))].slice(0, 5);
    return { replyCount, lastReplyAt: last.createdAt, repliers };
  }

  /** The room's pinned messages, oldest first. */
  pinned(roomId: string, limit: number): Promise<StoredMessage[]> {
    return this.messages.find({ roomId, pinned: true }, { projection: wireProjection }).sort({ seq: 1 }).limit(limit).toArray();
  }

  /** Others' live messages after a read cursor, and those of them that mention userId or the room. */
  async unreadFor(roomId: string, userId: string, afterSeq: number): Promise<{ unread: number; mentions: number }> {
    const filter = { roomId, seq: { $gt: afterSeq }, senderId: { $ne: userId }, hole: { $exists: false }, deletedAt: { $exists: false } };
    const [unread, mentions] = await Promise.all([
      this.messages.countDocuments(filter),
      this.messages.countDocuments({ ...filter, mentions: { $in: [userId, ROOM_MENTION] } }),
    ]);
    return { unread, mentions };
  }

  /**
   * Others' live messages after afterSeq that a push may announce to userId, newest first (at
   * most `limit`): all of them, or with `mentionsOnly` those naming userId or `@room`; never from
   * `excludeSenders` (whom userId blocked).
   */
  pushable(
    roomId: string,
    userId: string,
    afterSeq: number,
    options: { mentionsOnly: boolean; excludeSenders: string[]; limit: number },
  ): Promise<Array<Pick<MessageDoc, 'seq' | 'senderId' | 'content' | 'mentions' | 'messageType' | 'keyVersion'>>> {
    const senderId = options.excludeSenders.length > 0 ? { $nin: [userId, ...options.excludeSenders] } : { $ne: userId };
    return this.messages
      .find(
        {
          roomId,
          seq: { $gt: afterSeq },
          senderId,
          hole: { $exists: false },
          deletedAt: { $exists: false },
          ...(options.mentionsOnly ? { mentions: { $in: [userId, ROOM_MENTION] } } : {}),
        },
        { projection: { _id: 0, seq: 1, senderId: 1, content: 1, mentions: 1, messageType: 1, keyVersion: 1 } },
      )
      .sort({ seq: -1 })
      .limit(options.limit)
      .toArray();
  }

  /** Messages with seq > afterSeq, oldest first (sync, and history paging forward). */
  async afterSeq(roomId: string, afterSeq: number, limit: number, beforeSeq?: number): Promise<SeqPage> {
    const seq = beforeSeq === undefined ? { $gt: afterSeq } : { $gt: afterSeq, $lt: beforeSeq };
    const rows = await this.messages
      .find({ roomId, seq }, { projection: wireProjection })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .toArray();
    return pageOf(rows.slice(0, limit), rows.length > limit);
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
    return pageOf(rows.slice(0, limit).reverse(), rows.length > limit);
  }

  /** Messages of one room by id (the worker re-sends them), oldest first. */
  findManyByIds(roomId: string, messageIds: string[]): Promise<StoredMessage[]> {
    const ids = messageIds.filter((id) => ObjectId.isValid(id)).map((id) => new ObjectId(id));
    if (ids.length === 0) return Promise.resolve([]);
    return this.messages
      .find({ roomId, _id: { $in: ids } }, { projection: wireProjection })
      .sort({ seq: 1 })
      .toArray();
  }

  /** Ids and seqs of senderId's messages in (afterSeq, uptoSeq] whose status is below `status`. */
  async fromSenderBelow(
    roomId: string,
    senderId: string,
    range: { afterSeq: number; uptoSeq: number },
    status: MessageStatus,
    limit: number,
  ): Promise<Array<{ messageId: string; seq: number }>> {
    const seq = Number.isFinite(range.uptoSeq) ? { $gt: range.afterSeq, $lte: range.uptoSeq } : { $gt: range.afterSeq };
    const rows = await this.messages
      .find({ roomId, seq, senderId, status: { $in: lowerThan(status) } }, { projection: { _id: 1, seq: 1 } })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
    return rows.map((r) => ({ messageId: r._id.toHexString(), seq: r.seq }));
  }

  /**
   * Messages (not holes) created in [from, until), oldest first, at most `limit`: the sweep's
   * look for messages whose delivery tracking was lost. Spans rooms on purpose, served by the
   * createdAt index; on a sharded cluster it asks every shard once per sweep.
   */
  async createdBetween(from: Date, until: Date, limit: number): Promise<MessageRef[]> {
    const rows = await this.messages
      .find({ createdAt: { $gte: from, $lt: until } }, { projection: { _id: 1, roomId: 1, seq: 1, senderId: 1, createdAt: 1, hole: 1 } })
      .sort({ createdAt: 1 })
      .limit(limit)
      .toArray();
    return rows
      .filter((r) => !r.hole)
      .map((r) => ({ messageId: r._id.toHexString(), roomId: r.roomId, seq: r.seq, senderId: r.senderId, createdAt: r.createdAt }));
  }

  /** Raises the status of the given messages of one room; never lowers one. */
  async raiseStatusOf(roomId: string, messageIds: string[], status: MessageStatus): Promise<number> {
    if (messageIds.length === 0) return 0;
    const result = await this.messages.updateMany(
      { roomId, _id: { $in: messageIds.map((id) => new ObjectId(id)) }, status: { $in: lowerThan(status) } },
      { $set: { status } },
    );
    return result.modifiedCount;
  }
}

/** Splits ascending rows into messages and holes. */
function pageOf(rows: StoredMessage[], hasMore: boolean): SeqPage {
  const messages: StoredMessage[] = [];
  const holes: number[] = [];
  for (const row of rows) {
    if (row.hole) holes.push(row.seq);
    else messages.push(row);
  }
  return { messages, holes, topSeq: rows.at(-1)?.seq ?? 0, hasMore };
}

function lowerThan(status: MessageStatus): MessageStatus[] {
  return (Object.keys(MESSAGE_STATUS_RANK) as MessageStatus[]).filter((s) => MESSAGE_STATUS_RANK[s] < MESSAGE_STATUS_RANK[status]);
}
