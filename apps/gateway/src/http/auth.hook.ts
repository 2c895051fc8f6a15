import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator';
import { bearerOf, type Principal } from '../auth/token-verifier';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** preHandler for authenticated routes: `Authorization: Bearer <jwt>` decides who asks. */
export function authenticate(auth: Pick<Authenticator, 'authenticate'>) {
  return async (request: FastifyRequest): Promise<void> => {
    request.principal = await auth.authenticate(bearerOf(request.headers.authorization));
  };
}

/** The authenticated caller; only valid behind `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf used on a route without authenticate');
  return request.principal;
}
