import type {
  AttachmentStatus,
  MessageStatus,
  MessageType,
  NotificationLevel,
  ParticipantRole,
  PostingPolicy,
  RoomType,
  WebhookEvent,
  WebhookStatus,
} from '@campzone/protocol';
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
  /** Absent: everyone posts. */
  postingPolicy?: PostingPolicy;
  /** Absent or 0: no slow mode. */
  slowModeSeconds?: number;
  archived?: boolean;
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
  /** Cannot post until then. */
  mutedUntil?: Date;
  /** What this member wants pushed from the room; absent: the room type's default. */
  notificationLevel?: NotificationLevel;
  /** Highest seq the worker has considered for a push to this member; only ever raised. */
  notifiedSeq?: number;
}

/** A user removed from a room who may not be added back until the ban is lifted. */
export interface RoomBanDoc {
  roomId: string;
  userId: string;
  reason: string;
  bannedBy: string;
  bannedAt: Date;
}

export interface MessageReportDoc {
  _id: ObjectId;
  roomId: string;
  messageId: ObjectId;
  reporterId: string;
  reason: string;
  status: 'open' | 'resolved';
  createdAt: Date;
  resolvedBy?: string;
  resolvedAt?: Date;
  resolution?: string;
}

/** userId blocked blockedId: no one-to-one room between them, and the SDK hides blockedId's messages. */
export interface UserBlockDoc {
  userId: string;
  blockedId: string;
  createdAt: Date;
}

/** One moderation or membership action; written once, never changed through the API. */
export interface AuditEntryDoc {
  _id: ObjectId;
  roomId: string;
  actorId: string;
  action: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  at: Date;
}

/**
 * One browser's Web Push subscription. The endpoint is unique: a browser profile has one, and
 * when another user signs in there and subscribes, the subscription moves to them.
 */
export interface PushSubscriptionDoc {
  endpoint: string;
  userId: string;
  /** base64url, as the browser gave them. */
  keys: { p256dh: string; auth: string };
  expirationTime: number | null;
  createdAt: Date;
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
  /**
   * The room's change number of this message's last change (creation, edit, delete, reaction,
   * pin, thread summary); only ever raised. Absent on messages stored before revs existed.
   */
  rev?: number;
  editedAt?: Date;
  /** A tombstone: content, edits, reactions and mentions are erased; seq and order stay. */
  deletedAt?: Date;
  deletedBy?: string;
  replyTo?: ObjectId;
  threadRootId?: ObjectId;
  /** On a thread's root, kept by the worker. */
  thread?: ThreadSummaryDoc;
  /** One entry per emoji in the order first used; never an empty userIds. */
  reactions?: ReactionDoc[];
  /** Mentioned members' ids, and '@room'. */
  mentions?: string[];
  pinned?: boolean;
  pinnedBy?: string;
  pinnedAt?: Date;
  /** What the message's attachments were when it was sent (ready ones only); erased by a delete. */
  attachments?: MessageAttachmentDoc[];
}

/** An attachment as a message keeps it: enough to show it without reading `attachments`. */
export interface MessageAttachmentDoc {
  attachmentId: string;
  name: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  hasThumbnail?: boolean;
}

/** One uploaded file (collection `attachments`); `_id` is the attachmentId, which names its room. */
export interface AttachmentDoc {
  _id: string;
  roomId: string;
  uploaderId: string;
  name: string;
  contentType: string;
  size: number;
  status: AttachmentStatus;
  /** Where the bytes are in the object store. */
  objectKey: string;
  /** Images, once processed. */
  thumbnailKey?: string;
  width?: number;
  height?: number;
  /** Why it was quarantined (the scan hook's words). */
  reason?: string;
  createdAt: Date;
  processedAt?: Date;
}

export interface ReactionDoc {
  emoji: string;
  userIds: string[];
}

export interface ThreadSummaryDoc {
  replyCount: number;
  lastReplyAt: Date;
  /** Up to 5, most recent first. */
  repliers: string[];
}

/** A message's content before one edit; only room admins may read these, and a delete erases them. */
export interface MessageEditDoc {
  _id: ObjectId;
  roomId: string;
  messageId: ObjectId;
  editorId: string;
  editedAt: Date;
  /** The content the edit replaced, sealed like a message's when encryption at rest is on. */
  previousContent: string;
  keyVersion?: number;
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

/** An outgoing webhook a campus admin registered; its secret signs every delivery. */
export interface WebhookDoc {
  _id: ObjectId;
  ownerId: string;
  url: string;
  events: WebhookEvent[];
  /** Absent: every room. */
  roomIds?: string[];
  secret: string;
  status: WebhookStatus;
  lastError?: string;
  failingSince?: Date;
  createdAt: Date;
}

/**
 * An event stored before the change it reports was acknowledged: the worker turns each into
 * deliveries and marks it dispatched. The id is fixed by what happened (`created-<messageId>`,
 * `edited-<messageId>-<rev>` ...), so recording one twice stores it once.
 */
export interface WebhookOutboxDoc {
  _id: string;
  event: WebhookEvent;
  roomId: string;
  messageId?: ObjectId;
  /** The member added or removed. */
  userId?: string;
  actorId?: string;
  occurredAt: Date;
  dispatchedAt?: Date;
}

/** One attempt of one delivery, for its webhook's owner (capped per webhook). */
export interface WebhookDeliveryDoc {
  _id: ObjectId;
  webhookId: ObjectId;
  eventId: string;
  event: WebhookEvent;
  attempt: number;
  at: Date;
  ok: boolean;
  statusCode?: number;
  error?: string;
  durationMs: number;
  final: boolean;
}

/** An incoming hook: whoever holds its secret posts into its room as its bot user. */
export interface IncomingHookDoc {
  _id: ObjectId;
  roomId: string;
  name: string;
  botUserId: string;
  /** Kept (not hashed) because verifying an HMAC needs the key itself. */
  secret: string;
  createdBy: string;
  createdAt: Date;
}
