import { ChatError, ErrorCode, RevocationBodySchema, RevocationResponseSchema, userChannel } from '@campzone/protocol';
import type { TokenRevocations } from '@campzone/realtime';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator';
import { type ChatServer, tokenChannel } from '../socket/socket-types';
import { authenticate, principalOf } from './auth.hook';

export interface AdminRoutesOptions {
  auth: Authenticator;
  revocations: Pick<TokenRevocations, 'revokeUser' | 'revokeToken'>;
  io: () => ChatServer;
}

/** Campus-wide administration: callers need a `role: 'campus-admin'` claim in their token. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, { auth, revocations, io }) => {
  app.addHook('preHandler', authenticate(auth));
  app.addHook('preHandler', async (request) => {
    if (!principalOf(request).campusAdmin) throw new ChatError(ErrorCode.FORBIDDEN, "needs a token with role 'campus-admin'");
  });

  // Revokes a user's tokens issued until now, or one token; their sockets close on every pod.
  app.post(
    '/v1/admin/revocations',
    { schema: { body: RevocationBodySchema, response: { 201: RevocationResponseSchema } } },
    async (request, reply) => {
      const { userId, tokenId } = request.body;
      if (userId) {
        await revocations.revokeUser(userId);
        io().in(userChannel(userId)).disconnectSockets(true);
        return reply.status(201).send({ revoked: { userId } });
      }
      // The schema counts properties, so `{ other: 1 }` gets here without either.
      if (!tokenId) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'body: give userId or tokenId');
      await revocations.revokeToken(tokenId);
      io().in(tokenChannel(tokenId)).disconnectSockets(true);
      return reply.status(201).send({ revoked: { tokenId } });
    },
  );
};
