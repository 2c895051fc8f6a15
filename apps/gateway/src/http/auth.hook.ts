import type { FastifyRequest } from 'fastify';
import { bearerOf, type Principal, type TokenVerifier } from '../auth/token-verifier';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** preHandler for authenticated routes: `Authorization: Bearer <jwt>` decides who asks. */
export function authenticate(verifier: TokenVerifier) {
  return async (request: FastifyRequest): Promise<void> => {
    request.principal = verifier.verify(bearerOf(request.headers.authorization));
  };
}

/** The authenticated caller; only valid behind `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf used on a route without authenticate');
  return request.principal;
}
