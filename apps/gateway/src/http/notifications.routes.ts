import {
  NotificationLevelBodySchema,
  NotificationLevelResponseSchema,
  PushSubscriptionBodySchema,
  PushSubscriptionDeleteBodySchema,
  PushSubscriptionResultSchema,
  PushUnsubscribeResultSchema,
  RoomParamsSchema,
  VapidPublicKeyResponseSchema,
} from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator';
import type { ChatServices } from '../chat/chat-services';
import { authenticate, principalOf } from './auth.hook';

/** Web Push: the server's VAPID key, the caller's subscriptions, and their level per room. */
export const notificationRoutes: FastifyPluginAsyncTypebox<{ chat: ChatServices; auth: Authenticator }> = async (app, { chat, auth }) => {
  // The key is public: a page asks for it before anyone signs in to subscribe.
  // Public: a browser needs the key before it can subscribe, and it is the same for everyone.
  app.get('/v1/push/vapid-public-key', { schema: { security: [], response: { 200: VapidPublicKeyResponseSchema } } }, async () =>
    chat.notifications.vapidPublicKey(),
  );

  const preHandler = authenticate(auth);

  // 201 for a new endpoint, 200 when it was already stored (its owner and keys are updated).
  app.post(
    '/v1/users/me/push-subscriptions',
    {
      preHandler,
      schema: { body: PushSubscriptionBodySchema, response: { 200: PushSubscriptionResultSchema, 201: PushSubscriptionResultSchema } },
    },
    async (request, reply) => {
      const result = await chat.notifications.subscribe(principalOf(request).userId, request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.delete(
    '/v1/users/me/push-subscriptions',
    { preHandler, schema: { body: PushSubscriptionDeleteBodySchema, response: { 200: PushUnsubscribeResultSchema } } },
    async (request) => chat.notifications.unsubscribe(principalOf(request).userId, request.body.endpoint),
  );

  app.get(
    '/v1/rooms/:roomId/notifications',
    { preHandler, schema: { params: RoomParamsSchema, response: { 200: NotificationLevelResponseSchema } } },
    async (request) => chat.notifications.levelOf(request.params.roomId, principalOf(request).userId),
  );

  app.put(
    '/v1/rooms/:roomId/notifications',
    {
      preHandler,
      schema: { params: RoomParamsSchema, body: NotificationLevelBodySchema, response: { 200: NotificationLevelResponseSchema } },
    },
    async (request) => chat.notifications.setLevel(request.params.roomId, principalOf(request).userId, request.body.level),
  );
};
