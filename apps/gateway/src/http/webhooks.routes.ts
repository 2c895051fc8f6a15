import {
  CreateWebhookBodySchema,
  NoContentSchema,
  WebhookDeliveriesQuerySchema,
  WebhookDeliveriesSchema,
  WebhookListSchema,
  WebhookParamsSchema,
  WebhookSchema,
} from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator';
import type { WebhooksService } from '../chat/webhooks.service';
import { authenticate, principalOf } from './auth.hook';

/** Outgoing webhooks of the calling campus admin. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhooksService; auth: Authenticator }> = async (
  app,
  { webhooks, auth },
) => {
  app.addHook('preHandler', authenticate(auth));

  app.post('/v1/webhooks', { schema: { body: CreateWebhookBodySchema, response: { 201: WebhookSchema } } }, async (request, reply) =>
    reply.status(201).send(await webhooks.create(principalOf(request), request.body)),
  );

  app.get('/v1/webhooks', { schema: { response: { 200: WebhookListSchema } } }, async (request) => webhooks.list(principalOf(request)));

  app.delete(
    '/v1/webhooks/:webhookId',
    { schema: { params: WebhookParamsSchema, response: { 204: NoContentSchema } } },
    async (request, reply) => {
      await webhooks.remove(principalOf(request), request.params.webhookId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/webhooks/:webhookId/deliveries',
    { schema: { params: WebhookParamsSchema, querystring: WebhookDeliveriesQuerySchema, response: { 200: WebhookDeliveriesSchema } } },
    async (request) => webhooks.deliveries(principalOf(request), request.params.webhookId, request.query.limit),
  );
};
