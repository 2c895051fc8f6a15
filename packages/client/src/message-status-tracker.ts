import type { ChatMessage, MessageSent, MessageStatus, MessageStatusEvent, ReadReceipt } from '@campzone/protocol';
import type { ChatClientError } from './chat-client-error';

/** What a sender's UI shows next to a message. Only moves forward, except `failed` (a send given up). */
export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusChange {
  roomId: string;
  status: DeliveryStatus;
  /** The send's idempotency key, as `send()` returned it: links the optimistic bubble to the stored message. */
  localId?: string;
  messageId?: string;
  seq?: number;
  /**
   * Set on a `read_receipt`: this one user read the message. Without `readBy`, `read` is the
   * room-wide rollup (every participant has read it).
   */
  readBy?: string;
  readAt?: string;
  /** Why a send failed (status `failed`). */
  error?: ChatClientError;
}

const RANK = { sending: 0, sent: 1, delivered: 2, read: 3 } as const;
type Rank = (typeof RANK)[keyof typeof RANK];
const BY_RANK: readonly Exclude<DeliveryStatus, 'failed'>[] = ['sending', 'sent', 'delivered', 'read'];
const SERVER_RANK: Record<MessageStatus, Rank> = { PENDING: RANK.sent, DELIVERED: RANK.delivered, READ: RANK.read };

interface Tracked {
  roomId: string;
  messageId: string;
  rank: Rank;
  seq?: number;
  localId?: string;
  readers?: Set<string>;
}

export interface MessageStatusTrackerOptions {
  emit(change: StatusChange): void;
  /** Messages remembered for forward-only status and dedup of repeated server events. */
  capacity?: number;
}

/**
 * Per-message status from every source the server has: the send ack (`sent`), the rollups in
 * `message_status` (by ids or `uptoSeq`), each `read_receipt`, and the status on a message
 * presented from the server. Repeats and stale (backwards) updates are not emitted.
 */
export class MessageStatusTracker {
  private readonly byId = new Map<string, Tracked>();
  /** Per room, the highest `uptoSeq` each status has reached: applies to messages learnt later. */
  private readonly floors = new Map<string, { delivered: number; read: number }>();
  private readonly capacity: number;

  constructor(private readonly options: MessageStatusTrackerOptions) {
    this.capacity = options.capacity ?? 10_000;
  }

  statusOf(messageId: string): DeliveryStatus | undefined {
    const t = this.byId.get(messageId);
    return t ? BY_RANK[t.rank] : undefined;
  }

  /** The local id (idempotency key) of one of our sends, once its ack has linked the two. */
  localIdOf(messageId: string): string | undefined {
    return this.byId.get(messageId)?.localId;
  }

  sending(roomId: string, localId: string): void {
    this.options.emit({ roomId, status: 'sending', localId });
  }

  failed(roomId: string, localId: string, error: ChatClientError): void {
    this.options.emit({ roomId, status: 'failed', localId, error });
  }

  /** The ack of one of our sends: always reported once, since it links localId and messageId. */
  sent(localId: string, ack: MessageSent): void {
    const t = this.track(ack.roomId, ack.messageId);
    t.localId = localId;
    t.seq = ack.seq;
    t.rank = Math.max(t.rank, RANK.sent, this.floorRank(t)) as Rank;
    this.emitOf(t);
    this.advance(t, SERVER_RANK[ack.status]);
  }

  /** A presented message the current user sent (maybe from another tab or before a reload). */
  observeOwn(message: ChatMessage): void {
    const t = this.track(message.roomId, message.messageId);
    t.seq = message.seq;
    this.advance(t, Math.max(SERVER_RANK[message.status] ?? RANK.sent, this.floorRank(t)) as Rank);
  }

  applyServerStatus(event: MessageStatusEvent): void {
    const rank = SERVER_RANK[event.status];
    if (rank === undefined) return;
    for (const messageId of event.messageIds ?? []) this.advance(this.track(event.roomId, messageId), rank);
    if (event.uptoSeq === undefined || rank < RANK.delivered) return;
    const floor = this.floors.get(event.roomId) ?? { delivered: 0, read: 0 };
    if (rank === RANK.read) floor.read = Math.max(floor.read, event.uptoSeq);
    floor.delivered = Math.max(floor.delivered, event.uptoSeq);
    this.floors.set(event.roomId, floor);
    for (const t of this.byId.values()) {
      if (t.roomId === event.roomId && t.seq !== undefined && t.seq <= event.uptoSeq) this.advance(t, rank);
    }
  }

  /** One user read one message: reported once per reader; the room-wide status is the rollup's. */
  applyReadReceipt(receipt: ReadReceipt): void {
    const t = this.track(receipt.roomId, receipt.messageId);
    if (t.seq === undefined && Number.isSafeInteger(receipt.seq)) t.seq = receipt.seq;
    t.readers ??= new Set();
    if (t.readers.has(receipt.userId)) return;
    t.readers.add(receipt.userId);
    const change: StatusChange = {
      roomId: t.roomId,
      status: 'read',
      messageId: t.messageId,
      readBy: receipt.userId,
      readAt: receipt.readAt,
    };
    if (t.seq !== undefined) change.seq = t.seq;
    if (t.localId !== undefined) change.localId = t.localId;
    this.options.emit(change);
  }

  private track(roomId: string, messageId: string): Tracked {
    const existing = this.byId.get(messageId);
    if (existing) return existing;
    const t: Tracked = { roomId, messageId, rank: RANK.sending };
    this.byId.set(messageId, t);
    if (this.byId.size > this.capacity) {
      const oldest = this.byId.values().next();
      if (!oldest.done) this.byId.delete(oldest.value.messageId);
    }
    return t;
  }

  private floorRank(t: Tracked): Rank {
    const floor = this.floors.get(t.roomId);
    if (!floor || t.seq === undefined) return RANK.sending;
    if (t.seq <= floor.read) return RANK.read;
    if (t.seq <= floor.delivered) return RANK.delivered;
    return RANK.sending;
  }

  private advance(t: Tracked, rank: Rank): void {
    if (rank <= t.rank) return;
    t.rank = rank;
    this.emitOf(t);
  }

  private emitOf(t: Tracked): void {
    const change: StatusChange = { roomId: t.roomId, status: BY_RANK[t.rank]!, messageId: t.messageId };
    if (t.seq !== undefined) change.seq = t.seq;
    if (t.localId !== undefined) change.localId = t.localId;
    this.options.emit(change);
  }
}
