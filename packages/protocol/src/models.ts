import { type Static, Type } from '@sinclair/typebox';
import { MessageIdSchema, RoomIdSchema, UserIdSchema } from './ids';

export const RoomTypeSchema = Type.Union([
  Type.Literal('one-to-one'),
  Type.Literal('group'),
  Type.Literal('class'),
  Type.Literal('department'),
  Type.Literal('club'),
]);
export type RoomType = Static<typeof RoomTypeSchema>;

export const ParticipantRoleSchema = Type.Union([Type.Literal('member'), Type.Literal('admin'), Type.Literal('moderator')]);
export type ParticipantRole = Static<typeof ParticipantRoleSchema>;

export const MessageTypeSchema = Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('file'), Type.Literal('system')]);
export type MessageType = Static<typeof MessageTypeSchema>;

export const MessageStatusSchema = Type.Union([Type.Literal('PENDING'), Type.Literal('DELIVERED'), Type.Literal('READ')]);
export type MessageStatus = Static<typeof MessageStatusSchema>;

/** Status only moves forward: PENDING -> DELIVERED -> READ. */
export const MESSAGE_STATUS_RANK: Record<MessageStatus, number> = { PENDING: 0, DELIVERED: 1, READ: 2 };

/** A message as every client sees it (history, sync and `new_message`). */
export const ChatMessageSchema = Type.Object({
  messageId: MessageIdSchema,
  roomId: RoomIdSchema,
  senderId: UserIdSchema,
  content: Type.String(),
  messageType: MessageTypeSchema,
  lamportTimestamp: Type.Integer(),
  seq: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  status: MessageStatusSchema,
});
export type ChatMessage = Static<typeof ChatMessageSchema>;

export const RoomSchema = Type.Object({
  roomId: RoomIdSchema,
  roomName: Type.String(),
  roomType: RoomTypeSchema,
  createdBy: UserIdSchema,
  description: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Room = Static<typeof RoomSchema>;

export const ParticipantSchema = Type.Object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  role: ParticipantRoleSchema,
  joinedAt: Type.String({ format: 'date-time' }),
});
export type Participant = Static<typeof ParticipantSchema>;
