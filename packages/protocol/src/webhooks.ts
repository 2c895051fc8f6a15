import { type Static, Type } from '@sinclair/typebox';
import { IdempotencyKeySchema, MessageIdSchema, RoomIdSchema, UserIdSchema } from './ids';
import { MAX_PARTICIPANTS_PER_REQUEST } from './limits';

// Outgoing webhooks (campus admins subscribe an HTTPS endpoint to room events) and incoming
// hooks (a bot posts into one room). Both sign `${timestamp}.${body}` with HMAC-SHA256.

/** The events a webhook can subscribe to. */
export const WebhookEventSchema = Type.Union([
  Type.Literal('message.created'),
  Type.Literal('message.edited'),
  Type.Literal('message.deleted'),
  Type.Literal('member.added'),
  Type.Literal('member.removed'),
]);
export type WebhookEvent = Static<typeof WebhookEventSchema>;

export const WEBHOOK_EVENTS: readonly WebhookEvent[] = [
  'message.created',
  'message.edited',
  'message.deleted',
  'member.added',
  'member.removed',
];

/** Headers of a signed request, both ways: the signature is `sha256=<hex>` over `${timestamp}.${body}`. */
export const SIGNATURE_HEADER = 'x-campzone-signature';
export const TIMESTAMP_HEADER = 'x-campzone-timestamp';
/** Names the event of an outgoing delivery, and its id (the same on every retry). */
export const EVENT_HEADER = 'x-campzone-event';
export const EVENT_ID_HEADER = 'x-campzone-event-id';

export const WebhookIdSchema = Type.String({ pattern: '^[a-f0-9]{24}$', description: 'webhook id' });
export const HookIdSchema = Type.String({ pattern: '^[a-f0-9]{24}$', description: 'incoming hook id' });

export const CreateWebhookBodySchema = Type.Object(
  {
    /** http(s) only; its host must resolve to public addresses unless WEBHOOK_ALLOWED_HOSTS lists it. */
    url: Type.String({ minLength: 8, maxLength: 2048 }),
    events: Type.Array(WebhookEventSchema, { minItems: 1, maxItems: 5, uniqueItems: true }),
    /** Only these rooms' events; absent = every room. */
    roomIds: Type.Optional(Type.Array(RoomIdSchema, { minItems: 1, maxItems: MAX_PARTICIPANTS_PER_REQUEST, uniqueItems: true })),
    /** The HMAC key the receiver verifies signatures with; never answered back. */
    secret: Type.String({ minLength: 16, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBodySchema>;

export const WebhookStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('failing')]);
export type WebhookStatus = Static<typeof WebhookStatusSchema>;

export const WebhookSchema = Type.Object({
  webhookId: WebhookIdSchema,
  url: Type.String(),
  events: Type.Array(WebhookEventSchema),
  roomIds: Type.Optional(Type.Array(RoomIdSchema)),
  /** `failing` once a delivery used up its retries; the next successful delivery makes it `active` again. */
  status: WebhookStatusSchema,
  lastError: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Webhook = Static<typeof WebhookSchema>;

export const WebhookParamsSchema = Type.Object({ webhookId: WebhookIdSchema });
export type WebhookParams = Static<typeof WebhookParamsSchema>;

export const WebhookListSchema = Type.Object({ webhooks: Type.Array(WebhookSchema) });
export type WebhookList = Static<typeof WebhookListSchema>;

/** One attempt to deliver one event, as the delivery log keeps it. */
export const WebhookDeliverySchema = Type.Object({
  eventId: Type.String(),
  event: WebhookEventSchema,
  attempt: Type.Integer({ minimum: 1 }),
  at: Type.String({ format: 'date-time' }),
  ok: Type.Boolean(),
  /** The receiver's HTTP status, when it answered. */
  statusCode: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String()),
  durationMs: Type.Integer({ minimum: 0 }),
  /** True on the attempt after which no retry follows (delivered, or given up). */
  final: Type.Boolean(),
});
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

export const WebhookDeliveriesQuerySchema = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });
export type WebhookDeliveriesQuery = Static<typeof WebhookDeliveriesQuerySchema>;

export const WebhookDeliveriesSchema = Type.Object({ webhookId: WebhookIdSchema, deliveries: Type.Array(WebhookDeliverySchema) });
export type WebhookDeliveries = Static<typeof WebhookDeliveriesSchema>;

/** The JSON body of every outgoing delivery. */
export const WebhookPayloadSchema = Type.Object({
  eventId: Type.String(),
  event: WebhookEventSchema,
  occurredAt: Type.String({ format: 'date-time' }),
  roomId: RoomIdSchema,
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type WebhookPayload = Static<typeof WebhookPayloadSchema>;

export const CreateHookBodySchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64, pattern: '\\S' }) },
  { additionalProperties: false },
);
export type CreateHookBody = Static<typeof CreateHookBodySchema>;

/** Answered once, at creation: the secret is not shown again. */
export const CreatedHookSchema = Type.Object({
  hookId: HookIdSchema,
  roomId: RoomIdSchema,
  name: Type.String(),
  /** The user id the hook's messages carry as senderId. */
  botUserId: UserIdSchema,
  secret: Type.String(),
});
export type CreatedHook = Static<typeof CreatedHookSchema>;

export const HookParamsSchema = Type.Object({ hookId: HookIdSchema });

export const RoomHookParamsSchema = Type.Object({ roomId: RoomIdSchema, hookId: HookIdSchema });
export type RoomHookParams = Static<typeof RoomHookParamsSchema>;

/** A hook as listed: never its secret. */
export const HookSchema = Type.Object({
  hookId: HookIdSchema,
  roomId: RoomIdSchema,
  name: Type.String(),
  botUserId: UserIdSchema,
  createdBy: UserIdSchema,
  createdAt: Type.String({ format: 'date-time' }),
});
export const HookListSchema = Type.Object({ roomId: RoomIdSchema, hooks: Type.Array(HookSchema) });
export type HookList = Static<typeof HookListSchema>;
export type HookParams = Static<typeof HookParamsSchema>;

export const HookMessageBodySchema = Type.Object(
  {
    content: Type.String({ minLength: 1 }),
    messageType: Type.Optional(Type.Literal('text')),
  },
  { additionalProperties: false },
);
export type HookMessageBody = Static<typeof HookMessageBodySchema>;

export const HookIdempotencyKeySchema = IdempotencyKeySchema;

export const HookMessageResultSchema = Type.Object({
  messageId: MessageIdSchema,
  roomId: RoomIdSchema,
  seq: Type.Integer(),
  duplicate: Type.Boolean(),
});
export type HookMessageResult = Static<typeof HookMessageResultSchema>;
