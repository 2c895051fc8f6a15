import { BlockBodySchema, BlockListSchema, BlockParamsSchema } from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator';
import type { ChatServices } from '../chat/chat-services';
import { authenticate, principalOf } from './auth.hook';

/** The caller's own settings: blocks. */
export const userRoutes: FastifyPluginAsyncTypebox<{ chat: ChatServices; auth: Authenticator }> = async (app, { chat, auth }) => {
  app.addHook('preHandler', authenticate(auth));

  app.get('/v1/users/me/blocks', { schema: { response: { 200: BlockListSchema } } }, async (request) =>
    chat.blocks.list(principalOf(request).userId),
  );

  app.post('/v1/users/me/blocks', { schema: { body: BlockBodySchema, response: { 201: BlockListSchema } } }, async (request, reply) =>
    reply.status(201).send(await chat.blocks.block(principalOf(request).userId, request.body.userId)),
  );

  app.delete(
    '/v1/users/me/blocks/:userId',
    { schema: { params: BlockParamsSchema, response: { 200: BlockListSchema } } },
    async (request) => chat.blocks.unblock(principalOf(request).userId, request.params.userId),
  );
};
