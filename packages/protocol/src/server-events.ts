import { type Static, Type } from '@sinclair/typebox';
import { IdempotencyKeySchema, MessageIdSchema, RoomIdSchema, UserIdSchema } from './ids';
import { ChatMessageSchema, MessageStatusSchema, PostingPolicySchema } from './models';

// Server -> client payloads: the seed's fields, kept exactly, plus additions.

export const ConnectedSchema = Type.Object({ socketId: Type.String(), userId: UserIdSchema, message: Type.String() });
export type Connected = Static<typeof ConnectedSchema>;

export const JoinedRoomSchema = Type.Object({ roomId: RoomIdSchema, message: Type.String() });
export type JoinedRoom = Static<typeof JoinedRoomSchema>;

export const LeftRoomSchema = Type.Object({ roomId: RoomIdSchema });
export type LeftRoom = Static<typeof LeftRoomSchema>;

export const NewMessageSchema = ChatMessageSchema;
export type NewMessage = Static<typeof NewMessageSchema>;

export const MessageSentSchema = Type.Object({
  messageId: MessageIdSchema,
  idempotencyKey: IdempotencyKeySchema,
  status: MessageStatusSchema,
  lamportTimestamp: Type.Integer(),
  seq: Type.Integer(),
  duplicate: Type.Boolean(),
  roomId: RoomIdSchema,
  createdAt: Type.String({ format: 'date-time' }),
});
export type MessageSent = Static<typeof MessageSentSchema>;

export const UserTypingSchema = Type.Object({ roomId: RoomIdSchema, userId: UserIdSchema, isTyping: Type.Boolean() });
export type UserTyping = Static<typeof UserTypingSchema>;

export const ReadReceiptSchema = Type.Object({
  messageId: MessageIdSchema,
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  readAt: Type.String({ format: 'date-time' }),
  seq: Type.Integer(),
});
export type ReadReceipt = Static<typeof ReadReceiptSchema>;

export const OnlineUsersSchema = Type.Object({ roomId: RoomIdSchema, onlineUsers: Type.Array(UserIdSchema), count: Type.Integer() });
export type OnlineUsers = Static<typeof OnlineUsersSchema>;

export const UserJoinedSchema = Type.Object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  timestamp: Type.String({ format: 'date-time' }),
});
export type UserJoined = Static<typeof UserJoinedSchema>;
export const UserLeftSchema = UserJoinedSchema;
export type UserLeft = UserJoined;

export const MessagesSchema = Type.Object({ roomId: RoomIdSchema, messages: Type.Array(ChatMessageSchema), count: Type.Integer() });
export type Messages = Static<typeof MessagesSchema>;

export const SyncedSchema = Type.Object({
  roomId: RoomIdSchema,
  messages: Type.Array(ChatMessageSchema),
  count: Type.Integer(),
  latestSeq: Type.Integer(),
  hasMore: Type.Boolean(),
  /**
   * Seqs in this page's range that hold no message and never will (allocated to a send that
   * was refused or retried under a fresh seq): a client moves past them without waiting.
   */
  holes: Type.Optional(Type.Array(Type.Integer())),
  /** Asked with afterRev: the current state of messages up to afterSeq changed after it, by rev. */
  changed: Type.Optional(Type.Array(ChatMessageSchema)),
  /** Asked with afterRev: the rev to ask after next time (every change up to it is in this answer or earlier). */
  latestRev: Type.Optional(Type.Integer()),
});
export type Synced = Static<typeof SyncedSchema>;

export const MessageEditedSchema = Type.Object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  content: Type.String(),
  editedAt: Type.String({ format: 'date-time' }),
  rev: Type.Integer(),
});
export type MessageEdited = Static<typeof MessageEditedSchema>;

export const MessageDeletedSchema = Type.Object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  deletedAt: Type.String({ format: 'date-time' }),
  deletedBy: UserIdSchema,
  rev: Type.Integer(),
});
export type MessageDeleted = Static<typeof MessageDeletedSchema>;

export const ReactionUpdatedSchema = Type.Object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  emoji: Type.String(),
  userId: UserIdSchema,
  added: Type.Boolean(),
  /** How many users now react with this emoji. */
  count: Type.Integer({ minimum: 0 }),
  rev: Type.Integer(),
});
export type ReactionUpdated = Static<typeof ReactionUpdatedSchema>;

export const MessagePinnedSchema = Type.Object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  pinned: Type.Boolean(),
  by: UserIdSchema,
  rev: Type.Integer(),
});
export type MessagePinned = Static<typeof MessagePinnedSchema>;

export const ThreadUpdatedSchema = Type.Object({
  roomId: RoomIdSchema,
  rootId: MessageIdSchema,
  replyCount: Type.Integer({ minimum: 0 }),
  lastReplyAt: Type.String({ format: 'date-time' }),
  repliers: Type.Array(UserIdSchema),
  rev: Type.Integer(),
});
export type ThreadUpdated = Static<typeof ThreadUpdatedSchema>;

export const ThreadSchema = Type.Object({
  roomId: RoomIdSchema,
  rootId: MessageIdSchema,
  messages: Type.Array(ChatMessageSchema),
  hasMore: Type.Boolean(),
});
export type Thread = Static<typeof ThreadSchema>;

export const AckedSchema = Type.Object({ roomId: RoomIdSchema, seq: Type.Integer() });
export type Acked = Static<typeof AckedSchema>;

export const MarkedReadSchema = Type.Object({ roomId: RoomIdSchema, messageId: MessageIdSchema, duplicate: Type.Boolean() });
export type MarkedRead = Static<typeof MarkedReadSchema>;

/** Either explicit ids or everything up to a seq changed status (rollups use the latter). */
export const MessageStatusEventSchema = Type.Object({
  roomId: RoomIdSchema,
  messageIds: Type.Optional(Type.Array(MessageIdSchema)),
  uptoSeq: Type.Optional(Type.Integer()),
  status: MessageStatusSchema,
});
export type MessageStatusEvent = Static<typeof MessageStatusEventSchema>;

export const ErrorEventSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  event: Type.String(),
  /** With RATE_LIMITED: how long until the same request may succeed. */
  retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type ErrorEvent = Static<typeof ErrorEventSchema>;

export const ParticipantRemovedSchema = Type.Object({ roomId: RoomIdSchema, userId: UserIdSchema, by: UserIdSchema });
export type ParticipantRemoved = Static<typeof ParticipantRemovedSchema>;

/** A room's name, description or settings changed: the room as it now is. */
export const RoomUpdatedSchema = Type.Object({
  roomId: RoomIdSchema,
  roomName: Type.String(),
  description: Type.Optional(Type.String()),
  postingPolicy: PostingPolicySchema,
  slowModeSeconds: Type.Integer(),
  archived: Type.Boolean(),
  by: UserIdSchema,
});
export type RoomUpdated = Static<typeof RoomUpdatedSchema>;

/** The socket's token expires then: send `reauthenticate {token}` before it, or be disconnected at it. */
export const TokenExpiringSchema = Type.Object({ expiresAt: Type.String({ format: 'date-time' }) });
export type TokenExpiring = Static<typeof TokenExpiringSchema>;

export const ReauthenticatedSchema = Type.Object({ userId: UserIdSchema, expiresAt: Type.String({ format: 'date-time' }) });
export type Reauthenticated = Static<typeof ReauthenticatedSchema>;
