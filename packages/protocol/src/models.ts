import { type Static, Type } from '@sinclair/typebox';
import { AttachmentSchema } from './attachments';
import { MessageIdSchema, RoomIdSchema, UserIdSchema } from './ids';

export const RoomTypeSchema = Type.Union([
  Type.Literal('one-to-one'),
  Type.Literal('group'),
  Type.Literal('class'),
  Type.Literal('department'),
  Type.Literal('club'),
]);
export type RoomType = Static<typeof RoomTypeSchema>;

/** owner > admin > moderator > member > readonly; see room-permissions.ts for what each may do. */
export const ParticipantRoleSchema = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('moderator'),
  Type.Literal('member'),
  Type.Literal('readonly'),
]);
export type ParticipantRole = Static<typeof ParticipantRoleSchema>;

export const MessageTypeSchema = Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('file'), Type.Literal('system')]);
export type MessageType = Static<typeof MessageTypeSchema>;

export const MessageStatusSchema = Type.Union([Type.Literal('PENDING'), Type.Literal('DELIVERED'), Type.Literal('READ')]);
export type MessageStatus = Static<typeof MessageStatusSchema>;

/** Status only moves forward: PENDING -> DELIVERED -> READ. */
export const MESSAGE_STATUS_RANK: Record<MessageStatus, number> = { PENDING: 0, DELIVERED: 1, READ: 2 };

/** One emoji's reactions on a message, as one reader sees them (`me`: the reader is among them). */
export const ReactionSummarySchema = Type.Object({ emoji: Type.String(), count: Type.Integer({ minimum: 1 }), me: Type.Boolean() });
export type ReactionSummary = Static<typeof ReactionSummarySchema>;

/** A thread root's summary, kept by the worker: replies, the last one's time, up to 5 recent repliers. */
export const ThreadSummarySchema = Type.Object({
  replyCount: Type.Integer({ minimum: 0 }),
  lastReplyAt: Type.String({ format: 'date-time' }),
  repliers: Type.Array(UserIdSchema),
});
export type ThreadSummary = Static<typeof ThreadSummarySchema>;

/** In `mentions`, the whole room (`@room` in the content); every other entry is a member's userId. */
export const ROOM_MENTION = '@room';

/** A message as every client sees it (history, sync and `new_message`). */
export const ChatMessageSchema = Type.Object({
  messageId: MessageIdSchema,
  roomId: RoomIdSchema,
  senderId: UserIdSchema,
  /** Empty once deleted (see deletedAt). */
  content: Type.String(),
  messageType: MessageTypeSchema,
  lamportTimestamp: Type.Integer(),
  seq: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  status: MessageStatusSchema,
  /** The room's change number of this message's last change (its creation, an edit, a reaction...). */
  rev: Type.Optional(Type.Integer()),
  editedAt: Type.Optional(Type.String({ format: 'date-time' })),
  deletedAt: Type.Optional(Type.String({ format: 'date-time' })),
  deletedBy: Type.Optional(UserIdSchema),
  /** The message this one answers (same room). */
  replyTo: Type.Optional(MessageIdSchema),
  /** The thread this reply belongs to: the root of replyTo's thread. */
  threadRootId: Type.Optional(MessageIdSchema),
  /** On a thread's root. */
  thread: Type.Optional(ThreadSummarySchema),
  reactions: Type.Optional(Type.Array(ReactionSummarySchema)),
  /** Members mentioned with `@userId`, and ROOM_MENTION for `@room`; resolved when sent. */
  mentions: Type.Optional(Type.Array(Type.String())),
  pinned: Type.Optional(Type.Boolean()),
  /** Files and images of an `image` or `file` message; erased with the message. */
  attachments: Type.Optional(Type.Array(AttachmentSchema)),
});
export type ChatMessage = Static<typeof ChatMessageSchema>;

/** `admins`: an announcement room, where only moderators and above post. */
export const PostingPolicySchema = Type.Union([Type.Literal('everyone'), Type.Literal('admins')]);
export type PostingPolicy = Static<typeof PostingPolicySchema>;

export const MAX_SLOW_MODE_SECONDS = 6 * 3600;

/** What room admins can change; every room has these (defaults: everyone posts, no slow mode, open). */
export const RoomSettingsSchema = Type.Object({
  postingPolicy: PostingPolicySchema,
  /** One message per member per this many seconds (staff exempt); 0 = off. */
  slowModeSeconds: Type.Integer({ minimum: 0, maximum: MAX_SLOW_MODE_SECONDS }),
  /** Read-only for everyone, still readable. */
  archived: Type.Boolean(),
});
export type RoomSettings = Static<typeof RoomSettingsSchema>;

export const RoomSchema = Type.Object({
  roomId: RoomIdSchema,
  roomName: Type.String(),
  roomType: RoomTypeSchema,
  createdBy: UserIdSchema,
  description: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  postingPolicy: Type.Optional(PostingPolicySchema),
  slowModeSeconds: Type.Optional(Type.Integer()),
  archived: Type.Optional(Type.Boolean()),
});
export type Room = Static<typeof RoomSchema>;

export const ParticipantSchema = Type.Object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  role: ParticipantRoleSchema,
  joinedAt: Type.String({ format: 'date-time' }),
});
export type Participant = Static<typeof ParticipantSchema>;
