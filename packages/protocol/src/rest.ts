import { type Static, Type } from '@sinclair/typebox';
import { RoomIdSchema, UserIdSchema } from './ids';
import { MAX_PAGE_LIMIT, MAX_PARTICIPANTS_PER_REQUEST } from './limits';
import { ChatMessageSchema, ParticipantRoleSchema, RoomTypeSchema } from './models';

export const CreateRoomBodySchema = Type.Object({
  roomId: Type.Optional(RoomIdSchema),
  roomName: Type.String({ minLength: 1, maxLength: 120 }),
  roomType: RoomTypeSchema,
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  participants: Type.Optional(Type.Array(UserIdSchema, { maxItems: MAX_PARTICIPANTS_PER_REQUEST, uniqueItems: true })),
});
export type CreateRoomBody = Static<typeof CreateRoomBodySchema>;

export const RoomParamsSchema = Type.Object({ roomId: RoomIdSchema });
export type RoomParams = Static<typeof RoomParamsSchema>;

export const AddParticipantBodySchema = Type.Object({ userId: UserIdSchema, role: Type.Optional(ParticipantRoleSchema) });
export type AddParticipantBody = Static<typeof AddParticipantBodySchema>;

const SeqQuery = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const HistoryQuerySchema = Type.Object({
  afterSeq: Type.Optional(SeqQuery),
  beforeSeq: Type.Optional(SeqQuery),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT })),
});
export type HistoryQuery = Static<typeof HistoryQuerySchema>;

export const HistoryResponseSchema = Type.Object({
  roomId: RoomIdSchema,
  messages: Type.Array(ChatMessageSchema),
  count: Type.Integer(),
  hasMore: Type.Boolean(),
});
export type HistoryResponse = Static<typeof HistoryResponseSchema>;

export const DevTokenBodySchema = Type.Object({
  userId: UserIdSchema,
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
export type DevTokenBody = Static<typeof DevTokenBodySchema>;

export const DevTokenResponseSchema = Type.Object({ token: Type.String(), userId: UserIdSchema, expiresIn: Type.Integer() });
export type DevTokenResponse = Static<typeof DevTokenResponseSchema>;

export const RoomListItemSchema = Type.Object({
  roomId: RoomIdSchema,
  roomName: Type.String(),
  roomType: RoomTypeSchema,
  role: ParticipantRoleSchema,
  description: Type.Optional(Type.String()),
});
export const RoomListResponseSchema = Type.Object({ rooms: Type.Array(RoomListItemSchema) });
export type RoomListResponse = Static<typeof RoomListResponseSchema>;

export const ErrorResponseSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })) }),
});
export type ErrorResponse = Static<typeof ErrorResponseSchema>;
