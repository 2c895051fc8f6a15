import type { MessageStatus, MessageType, ParticipantRole, RoomType } from '@campzone/protocol';
import type { ObjectId } from 'mongodb';

// The seed's collections and fields, plus `seq` on messages and the participants' cursors.

export interface UserDoc {
  userId: string;
  username: string;
  email?: string;
  lastSeen: Date;
  isOnline: boolean;
  createdAt: Date;
}

export interface RoomDoc {
  roomId: string;
  roomName: string;
  roomType: RoomType;
  createdBy: string;
  description?: string;
  createdAt: Date;
}

export interface ParticipantDoc {
  roomId: string;
  userId: string;
  role: ParticipantRole;
  joinedAt: Date;
  lastReadAt: Date | null;
  /** Highest seq this member has read; only ever raised. */
  lastReadSeq: number;
  /** Highest seq this member's clients acknowledged holding; only ever raised. */
  deliveredSeq: number;
}

export interface MessageDoc {
  _id: ObjectId;
  roomId: string;
  senderId: string;
  /** Plaintext, or AES-256-GCM ciphertext (see keyVersion) when encryption at rest is on. */
  content: string;
  lamportTimestamp: number;
  seq: number;
  idempotencyKey: string;
  status: MessageStatus;
  messageType: MessageType;
  createdAt: Date;
  /** Set when content is encrypted: which of the room's data keys sealed it. */
  keyVersion?: number;
  /**
   * Marks a seq that holds no message and never will (see seq-hole.ts): readers leave it out of
   * every page and tell syncing clients to move past it.
   */
  hole?: true;
}

export interface ReadReceiptDoc {
  messageId: ObjectId;
  roomId: string;
  userId: string;
  readAt: Date;
}

/**
 * Per room, the seq up to which every message is DELIVERED (everyone holds it) and READ
 * (everyone has read it). A message's status is the higher of its own field and what these
 * floors give its seq, so a rollup raises one document instead of every message in a range.
 */
export interface StatusFloorDoc {
  /** The roomId: FerretDB (v1, SQLite) decodes every document of a collection for any filter but `{_id}`. */
  _id: string;
  DELIVERED: number;
  READ: number;
}

export type QueueLogStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'RETRY';

/**
 * One message's delivery tracking (the seed's fields, plus seq and createdAt). PENDING until the
 * first check, RETRY while online members who have not acked are re-sent it, then DELIVERED or
 * FAILED, both final (DELIVERED also wins over FAILED if a verdict is run again after the last
 * member acked after all). nextRetryAt is null once final, so only live entries sit in its index.
 */
export interface QueueLogDoc {
  /**
   * The messageId again: one entry per message, and FerretDB (v1, SQLite) decodes every document
   * of a collection for any filter but `{_id}`.
   */
  _id: ObjectId;
  messageId: ObjectId;
  roomId: string;
  seq: number;
  status: QueueLogStatus;
  retryCount: number;
  maxRetries: number;
  lastAttemptAt: Date | null;
  nextRetryAt: Date | null;
  errorMessage: string | null;
  createdAt: Date;
}

export interface EncryptionKeyDoc {
  roomId: string;
  /** The room's data key, wrapped (AES-256-GCM) by the master key. */
  encryptionKey: string;
  keyVersion: number;
  createdAt: Date;
  rotatedAt: Date | null;
}
