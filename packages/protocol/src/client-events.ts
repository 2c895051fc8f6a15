import { type Static, Type } from '@sinclair/typebox';
import { AttachmentIdSchema, MAX_ATTACHMENTS_PER_MESSAGE } from './attachments';
import { IdempotencyKeySchema, MessageIdSchema, RoomIdSchema } from './ids';
import { MAX_LAMPORT, MAX_PAGE_LIMIT, MAX_SKIP, MAX_SYNC_LIMIT } from './limits';
import { ReactionEmojiSchema } from './reaction-emoji';

// Client -> server payloads. Extra fields are tolerated (the seed's `join_room` carries a
// userId the server ignores: the token decides who speaks) but never passed on: handlers
// build every stored document from the validated fields only.

const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const RoomRefSchema = Type.Object({ roomId: RoomIdSchema });
export type RoomRef = Static<typeof RoomRefSchema>;

export const JoinRoomSchema = RoomRefSchema;
export type JoinRoom = RoomRef;
export const LeaveRoomSchema = RoomRefSchema;
export type LeaveRoom = RoomRef;
export const TypingSchema = RoomRefSchema;
export type Typing = RoomRef;
export const GetOnlineUsersSchema = RoomRefSchema;
export type GetOnlineUsers = RoomRef;

/** Client-sendable types; `system` messages come only from the server. */
export const ClientMessageTypeSchema = Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('file')]);

export const SendMessageSchema = Type.Object({
  roomId: RoomIdSchema,
  // Length is checked against the configured limit after validation, so an oversize
  // message is answered PAYLOAD_TOO_LARGE rather than VALIDATION_FAILED.
  content: Type.String({ minLength: 1 }),
  lamportTimestamp: Type.Integer({ minimum: 0, maximum: MAX_LAMPORT }),
  idempotencyKey: IdempotencyKeySchema,
  messageType: Type.Optional(ClientMessageTypeSchema),
  /** Answers this message of the same room; the reply joins its thread. */
  replyTo: Type.Optional(MessageIdSchema),
  /**
   * Uploaded attachments (`image` or `file` messages only): each of this room, uploaded by the
   * sender, and ready; an `image` message carries images only.
   */
  attachmentIds: Type.Optional(Type.Array(AttachmentIdSchema, { minItems: 1, maxItems: MAX_ATTACHMENTS_PER_MESSAGE, uniqueItems: true })),
});
export type SendMessage = Static<typeof SendMessageSchema>;

export const MarkReadSchema = Type.Object({ messageId: MessageIdSchema, roomId: RoomIdSchema });
export type MarkRead = Static<typeof MarkReadSchema>;

export const GetMessagesSchema = Type.Object({
  roomId: RoomIdSchema,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SKIP })),
});
export type GetMessages = Static<typeof GetMessagesSchema>;

export const SyncSchema = Type.Object({
  roomId: RoomIdSchema,
  afterSeq: Seq,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SYNC_LIMIT })),
  /** With it, the answer also carries `changed`: messages up to afterSeq changed after this rev. */
  afterRev: Type.Optional(Seq),
});
export type Sync = Static<typeof SyncSchema>;

/** One message of a room: the target of an edit, a delete, a pin. */
export const MessageRefSchema = Type.Object({ roomId: RoomIdSchema, messageId: MessageIdSchema });
export type MessageRef = Static<typeof MessageRefSchema>;

export const EditMessageSchema = Type.Object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  // Checked against the configured limit after validation, like a send's.
  content: Type.String({ minLength: 1 }),
});
export type EditMessage = Static<typeof EditMessageSchema>;

export const DeleteMessageSchema = MessageRefSchema;
export type DeleteMessage = MessageRef;
export const PinMessageSchema = MessageRefSchema;
export type PinMessage = MessageRef;

export const ReactionSchema = Type.Object({ roomId: RoomIdSchema, messageId: MessageIdSchema, emoji: ReactionEmojiSchema });
export type Reaction = Static<typeof ReactionSchema>;

export const GetThreadSchema = Type.Object({
  roomId: RoomIdSchema,
  rootId: MessageIdSchema,
  /** Replies after this seq; without it the page starts with the root itself. */
  afterSeq: Type.Optional(Seq),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT })),
});
export type GetThread = Static<typeof GetThreadSchema>;

export const AckSchema = Type.Object({ roomId: RoomIdSchema, seq: Seq });
export type Ack = Static<typeof AckSchema>;

/** A fresh token for this socket's user, before the one it connected with expires. */
export const ReauthenticateSchema = Type.Object({ token: Type.String({ minLength: 1, maxLength: 8192 }) });
export type Reauthenticate = Static<typeof ReauthenticateSchema>;
