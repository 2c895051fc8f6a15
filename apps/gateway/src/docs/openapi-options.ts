import { ErrorResponseSchema, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '@campzone/protocol';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

/**
 * Routes under this prefix take `Authorization: Bearer <jwt>` (the dev-token route mints one),
 * unless their schema says otherwise: `security: []` for a public one, another scheme for hooks.
 */
const AUTHENTICATED = /^\/v1\/(?!dev\/)/;

/**
 * @fastify/swagger's options: the document is built from each route's own schemas, so a route
 * registered anywhere joins it with no list to update. What every route shares (the bearer
 * scheme, the error body, a tag from its path) is added here rather than repeated per route.
 */
export const openApiOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'CampZone Chat REST API',
      version: '1',
      description:
        'REST half of the CampZone Chat protocol; the Socket.IO half is described by the AsyncAPI document at /docs/asyncapi.json. ' +
        'Every error is `{ error: { code, message, retryAfterMs? } }` with the status of its code (docs/protocol.md).',
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        hookSignature: {
          type: 'apiKey',
          in: 'header',
          name: SIGNATURE_HEADER,
          description: `\`sha256=\` + hex HMAC-SHA256, with the hook's secret, of \`${TIMESTAMP_HEADER}\` + "." + the raw body (docs/protocol.md)`,
        },
      },
    },
  },
  transform: ({ schema, url }) => {
    const described: FastifySchema = {
      ...schema,
      tags: schema?.tags ?? [tagOf(url)],
      response: { ...(schema?.response ?? {}), '4XX': ErrorResponseSchema, '5XX': ErrorResponseSchema },
    };
    if (AUTHENTICATED.test(url) && !schema?.security) described.security = [{ bearerAuth: [] }];
    return { schema: described, url };
  },
};

/** `/v1/rooms/:roomId/pins` -> `rooms`; `/healthz` -> `operations`. */
function tagOf(url: string): string {
  const [, version, resource] = url.split('/');
  return version === 'v1' && resource ? resource : 'operations';
}
