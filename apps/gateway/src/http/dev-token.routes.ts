import { ChatError, DevTokenBodySchema, DevTokenResponseSchema, ErrorCode } from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TokenVerifier } from '../auth/token-verifier';

export interface DevTokenRoutesOptions {
  verifier: TokenVerifier;
  ttlSeconds: number;
  production: boolean;
}

/** Mints tokens for the demo, tests and load tests; registered only with AUTH_DEV_TOKENS=true. */
export const devTokenRoutes: FastifyPluginAsyncTypebox<DevTokenRoutesOptions> = async (app, { verifier, ttlSeconds, production }) => {
  app.post('/v1/dev/token', { schema: { body: DevTokenBodySchema, response: { 200: DevTokenResponseSchema } } }, async (request) => {
    if (production) throw new ChatError(ErrorCode.FORBIDDEN, 'dev tokens are refused when NODE_ENV=production');
    const { userId, username, role } = request.body;
    const token = verifier.signDevToken({ userId, campusAdmin: role === 'campus-admin', ...(username ? { username } : {}) }, ttlSeconds);
    return { token, userId, expiresIn: ttlSeconds };
  });
};
