import { type Static, Type } from '@sinclair/typebox';
import { MessageIdSchema, RoomIdSchema, UserIdSchema } from './ids';
import { MAX_PAGE_LIMIT, MAX_PARTICIPANTS_PER_REQUEST } from './limits';
import { ChatMessageSchema, MAX_SLOW_MODE_SECONDS, ParticipantRoleSchema, PostingPolicySchema, RoomSchema, RoomTypeSchema } from './models';

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
  /** Mints the campus-admin scope (webhooks, token revocation) into the dev token. */
  role: Type.Optional(Type.Literal('campus-admin')),
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
  /** Others' messages after the caller's read cursor (deleted ones not counted). */
  unreadCount: Type.Integer({ minimum: 0 }),
  /** Of those, the ones that mention the caller or `@room`. */
  unreadMentions: Type.Integer({ minimum: 0 }),
  postingPolicy: PostingPolicySchema,
  slowModeSeconds: Type.Integer({ minimum: 0 }),
  archived: Type.Boolean(),
  /** While the caller is muted in the room. */
  mutedUntil: Type.Optional(Type.String({ format: 'date-time' })),
});
export const RoomListResponseSchema = Type.Object({ rooms: Type.Array(RoomListItemSchema) });
export type RoomListResponse = Static<typeof RoomListResponseSchema>;

export const ErrorResponseSchema = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })) }),
});
export type ErrorResponse = Static<typeof ErrorResponseSchema>;

export const MessageParamsSchema = Type.Object({ roomId: RoomIdSchema, messageId: MessageIdSchema });
export type MessageParams = Static<typeof MessageParamsSchema>;

export const PinsResponseSchema = Type.Object({ roomId: RoomIdSchema, messages: Type.Array(ChatMessageSchema) });
export type PinsResponse = Static<typeof PinsResponseSchema>;

/** A message's earlier versions, oldest first: for room admins only. */
export const MessageEditsResponseSchema = Type.Object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  edits: Type.Array(
    Type.Object({ editorId: UserIdSchema, editedAt: Type.String({ format: 'date-time' }), previousContent: Type.String() }),
  ),
});
export type MessageEditsResponse = Static<typeof MessageEditsResponseSchema>;

// ---- membership and moderation ----

export const MAX_ROSTER = 5000;

export const ParticipantParamsSchema = Type.Object({ roomId: RoomIdSchema, userId: UserIdSchema });
export type ParticipantParams = Static<typeof ParticipantParamsSchema>;

export const ChangeRoleBodySchema = Type.Object({ role: ParticipantRoleSchema });
export type ChangeRoleBody = Static<typeof ChangeRoleBodySchema>;

export const RosterBodySchema = Type.Object({
  participants: Type.Array(Type.Object({ userId: UserIdSchema, role: Type.Optional(ParticipantRoleSchema) }), { maxItems: MAX_ROSTER }),
  /** Members missing from the roster are removed (owners never are). */
  removeMissing: Type.Boolean(),
});
export type RosterBody = Static<typeof RosterBodySchema>;

export const RosterResultSchema = Type.Object({
  added: Type.Integer(),
  removed: Type.Integer(),
  changed: Type.Integer(),
  unchanged: Type.Integer(),
  /** Entries not applied, and why (a banned user is not added back). */
  skipped: Type.Array(Type.Object({ userId: UserIdSchema, reason: Type.String() })),
});
export type RosterResult = Static<typeof RosterResultSchema>;

export const UpdateRoomBodySchema = Type.Object(
  {
    roomName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    postingPolicy: Type.Optional(PostingPolicySchema),
    slowModeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SLOW_MODE_SECONDS })),
    archived: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1 },
);
export type UpdateRoomBody = Static<typeof UpdateRoomBodySchema>;

export const MuteBodySchema = Type.Object({ userId: UserIdSchema, until: Type.String({ format: 'date-time' }) });
export type MuteBody = Static<typeof MuteBodySchema>;

export const BanBodySchema = Type.Object({ userId: UserIdSchema, reason: Type.String({ minLength: 1, maxLength: 500 }) });
export type BanBody = Static<typeof BanBodySchema>;

export const ReportBodySchema = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) });
export type ReportBody = Static<typeof ReportBodySchema>;

export const ReportStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);

export const ReportSchema = Type.Object({
  reportId: MessageIdSchema,
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  reporterId: UserIdSchema,
  reason: Type.String(),
  status: ReportStatusSchema,
  createdAt: Type.String({ format: 'date-time' }),
  resolvedBy: Type.Optional(UserIdSchema),
  resolvedAt: Type.Optional(Type.String({ format: 'date-time' })),
  resolution: Type.Optional(Type.String()),
});
export type Report = Static<typeof ReportSchema>;

export const ReportsQuerySchema = Type.Object({ status: Type.Optional(ReportStatusSchema) });
export const ReportParamsSchema = Type.Object({ roomId: RoomIdSchema, reportId: MessageIdSchema });
export const ResolveReportBodySchema = Type.Object({ resolution: Type.String({ minLength: 1, maxLength: 500 }) });
export type ResolveReportBody = Static<typeof ResolveReportBodySchema>;

export const BlockBodySchema = Type.Object({ userId: UserIdSchema });
export const BlockParamsSchema = Type.Object({ userId: UserIdSchema });

export const AuditQuerySchema = Type.Object({
  /** Entries older than this one (an entry id from the previous page). */
  before: Type.Optional(MessageIdSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_LIMIT })),
});
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditEntrySchema = Type.Object({
  entryId: MessageIdSchema,
  roomId: RoomIdSchema,
  actorId: UserIdSchema,
  action: Type.String(),
  targetId: Type.Optional(Type.String()),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
  at: Type.String({ format: 'date-time' }),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;
export const AuditPageSchema = Type.Object({ roomId: RoomIdSchema, entries: Type.Array(AuditEntrySchema), hasMore: Type.Boolean() });
export type AuditPage = Static<typeof AuditPageSchema>;

/** Revokes a user's tokens (all issued until now) or one token by its `jti`; campus admins only. */
export const RevocationBodySchema = Type.Object(
  {
    userId: Type.Optional(UserIdSchema),
    tokenId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })),
  },
  { minProperties: 1, maxProperties: 1 },
);
export type RevocationBody = Static<typeof RevocationBodySchema>;

export const MembersResponseSchema = Type.Object({
  roomId: RoomIdSchema,
  members: Type.Array(
    Type.Object({
      userId: UserIdSchema,
      role: ParticipantRoleSchema,
      /** The display name from the user's token (`username` claim), once the user has connected. */
      username: Type.Optional(Type.String()),
      mutedUntil: Type.Optional(Type.String({ format: 'date-time' })),
    }),
  ),
});
export type MembersResponse = Static<typeof MembersResponseSchema>;

// ---- responses not described above (each route's success body, for its schema and the OpenAPI document) ----

/** A created room as its creator sees it, with the members it started with (the creator first). */
export const CreatedRoomSchema = Type.Composite([RoomSchema, Type.Object({ participants: Type.Array(UserIdSchema) })]);
export type CreatedRoom = Static<typeof CreatedRoomSchema>;

/** `added` is false when the user was already a member (status 200 instead of 201). */
export const AddedParticipantSchema = Type.Object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  role: ParticipantRoleSchema,
  added: Type.Boolean(),
});
export type AddedParticipant = Static<typeof AddedParticipantSchema>;

export const KeyRotationResponseSchema = Type.Object({ roomId: RoomIdSchema, keyVersion: Type.Integer({ minimum: 1 }) });
export type KeyRotationResponse = Static<typeof KeyRotationResponseSchema>;

export const RoleChangeResponseSchema = Type.Object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  role: ParticipantRoleSchema,
  previousRole: ParticipantRoleSchema,
});
export type RoleChangeResponse = Static<typeof RoleChangeResponseSchema>;

export const MuteResponseSchema = Type.Object({ roomId: RoomIdSchema, userId: UserIdSchema, until: Type.String({ format: 'date-time' }) });
export type MuteResponse = Static<typeof MuteResponseSchema>;

/** `removed`: the user was a member and is one no longer. */
export const BanResponseSchema = Type.Object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  reason: Type.String(),
  removed: Type.Boolean(),
});
export type BanResponse = Static<typeof BanResponseSchema>;

export const ReportListSchema = Type.Object({ roomId: RoomIdSchema, reports: Type.Array(ReportSchema) });
export type ReportList = Static<typeof ReportListSchema>;

/** The caller's blocked users after the call. */
export const BlockListSchema = Type.Object({ blocked: Type.Array(UserIdSchema) });
export type BlockList = Static<typeof BlockListSchema>;

export const RevocationResponseSchema = Type.Object({
  revoked: Type.Union([Type.Object({ userId: UserIdSchema }), Type.Object({ tokenId: Type.String() })]),
});
export type RevocationResponse = Static<typeof RevocationResponseSchema>;

/** A 204 answer: no body. */
export const NoContentSchema = Type.Null({ description: 'no content' });

export const LivenessResponseSchema = Type.Object({ status: Type.Literal('ok') });
/** `deps`: each dependency's check, `up` or `down` (absent while draining). */
export const ReadinessResponseSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable'), Type.Literal('draining')]),
  deps: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')]))),
});
export type ReadinessResponse = Static<typeof ReadinessResponseSchema>;
/** Prometheus text exposition format. */
export const MetricsTextSchema = Type.String({ description: 'Prometheus text exposition format' });
