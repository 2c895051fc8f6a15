import { type Static, Type } from '@sinclair/typebox';
import { RoomIdSchema, UserIdSchema } from './ids';

/**
 * A browser's PushSubscription as `subscription.toJSON()` gives it. The keys are base64url
 * (padding tolerated): p256dh an uncompressed P-256 point (65 bytes, first byte 0x04, so its
 * text starts with `B`), auth a 16-byte secret (RFC 8291). The endpoint's scheme and host are
 * checked by the gateway against its settings; a key that is not a point on the curve is
 * refused there too.
 */
export const PushSubscriptionBodySchema = Type.Object({
  endpoint: Type.String({ minLength: 8, maxLength: 2048 }),
  expirationTime: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  keys: Type.Object({
    p256dh: Type.String({ pattern: '^B[A-Za-z0-9_-]{86}=?$' }),
    auth: Type.String({ pattern: '^[A-Za-z0-9_-]{22}(==)?$' }),
  }),
});
export type PushSubscriptionBody = Static<typeof PushSubscriptionBodySchema>;

export const PushSubscriptionDeleteBodySchema = Type.Object({ endpoint: Type.String({ minLength: 8, maxLength: 2048 }) });
export type PushSubscriptionDeleteBody = Static<typeof PushSubscriptionDeleteBodySchema>;

export const PushSubscriptionResultSchema = Type.Object({ endpoint: Type.String(), created: Type.Boolean() });
export type PushSubscriptionResult = Static<typeof PushSubscriptionResultSchema>;

/** `removed`: false when the caller had no subscription with this endpoint (the call is idempotent). */
export const PushUnsubscribeResultSchema = Type.Object({ endpoint: Type.String(), removed: Type.Boolean() });
export type PushUnsubscribeResult = Static<typeof PushUnsubscribeResultSchema>;

/** The VAPID public key (base64url, uncompressed P-256) the browser subscribes with. */
export const VapidPublicKeyResponseSchema = Type.Object({ publicKey: Type.String() });
export type VapidPublicKeyResponse = Static<typeof VapidPublicKeyResponseSchema>;

/** `all`: every message; `mentions`: those that name you or `@room`; `none`: never. */
export const NotificationLevelSchema = Type.Union([Type.Literal('all'), Type.Literal('mentions'), Type.Literal('none')]);
export type NotificationLevel = Static<typeof NotificationLevelSchema>;

export const NotificationLevelBodySchema = Type.Object({ level: NotificationLevelSchema });
export type NotificationLevelBody = Static<typeof NotificationLevelBodySchema>;

export const NotificationLevelResponseSchema = Type.Object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  level: NotificationLevelSchema,
  /** True while the member never chose: the level is the room type's default. */
  isDefault: Type.Boolean(),
});
export type NotificationLevelResponse = Static<typeof NotificationLevelResponseSchema>;

/**
 * What a member hears of a room until they choose: everything in a one-to-one room (every
 * message there is addressed to them), mentions elsewhere (a 300-student class would otherwise
 * buzz all day).
 */
export function defaultNotificationLevel(roomType: string): NotificationLevel {
  return roomType === 'one-to-one' ? 'all' : 'mentions';
}

/**
 * The decrypted body of a Web Push the worker sends (what the service worker receives). With
 * encryption at rest on, `content` is absent: only room and sender leave the cluster.
 */
export const PushPayloadSchema = Type.Object({
  type: Type.Literal('messages'),
  roomId: RoomIdSchema,
  roomName: Type.String(),
  /** Messages folded into this notification. */
  count: Type.Integer({ minimum: 1 }),
  /** Sender of the latest of them. */
  senderId: UserIdSchema,
  latestSeq: Type.Integer({ minimum: 1 }),
  /** Whether any of them mentions the recipient (or `@room`). */
  mentioned: Type.Boolean(),
  content: Type.Optional(Type.String()),
});
export type PushPayload = Static<typeof PushPayloadSchema>;
