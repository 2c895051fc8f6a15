import { type Static, Type } from '@sinclair/typebox';
import { IdempotencyKeySchema, MessageIdSchema, RoomIdSchema, UserIdSchema } from './ids';
import { ChatMessageSchema, MessageStatusSchema } from './models';

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
});
export type Synced = Static<typeof SyncedSchema>;

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
