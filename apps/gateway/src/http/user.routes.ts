import { BlockBodySchema, BlockParamsSchema } from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TokenVerifier } from '../auth/token-verifier';
import type { ChatServices } from '../chat/chat-services';
import { authenticate, principalOf } from './auth.hook';

/** The caller's own settings: blocks. */
export const userRoutes: FastifyPluginAsyncTypebox<{ chat: ChatServices; verifier: TokenVerifier }> = async (app, { chat, verifier }) => {
  app.addHook('preHandler', authenticate(verifier));

  app.get('/v1/users/me/blocks', async (request) => chat.blocks.list(principalOf(request).userId));

  app.post('/v1/users/me/blocks', { schema: { body: BlockBodySchema } }, async (request, reply) =>
    reply.status(201).send(await chat.blocks.block(principalOf(request).userId, request.body.userId)),
  );

  app.delete('/v1/users/me/blocks/:userId', { schema: { params: BlockParamsSchema } }, async (request) =>
    chat.blocks.unblock(principalOf(request).userId, request.params.userId),
  );
};
