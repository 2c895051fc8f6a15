import {
  ChatError,
  CreatedHookSchema,
  CreateHookBodySchema,
  compile,
  ErrorCode,
  HookIdempotencyKeySchema,
  HookListSchema,
  HookMessageBodySchema,
  type HookMessageResult,
  HookMessageResultSchema,
  HookParamsSchema,
  NoContentSchema,
  RoomHookParamsSchema,
  RoomParamsSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator';
import type { ChatServices } from '../chat/chat-services';
import type { IncomingHooksService } from '../chat/incoming-hooks.service';
import type { GatewayMetrics } from '../observability/metrics';
import { announceSent } from '../socket/sent-message.announcer';
import type { ChatServer } from '../socket/socket-types';
import { authenticate, principalOf } from './auth.hook';

export interface HookRoutesOptions {
  hooks: IncomingHooksService;
  chat: ChatServices;
  auth: Authenticator;
  metrics: GatewayMetrics;
  io: () => ChatServer;
}

const messageBody = compile(HookMessageBodySchema);
const idempotencyKey = compile(HookIdempotencyKeySchema);

/** Making an incoming hook (a room's owner or admin, or a campus admin); a JWT decides who asks. */
export const hookAdminRoutes: FastifyPluginAsyncTypebox<HookRoutesOptions> = async (app, { hooks, auth }) => {
  app.addHook('preHandler', authenticate(auth));

  app.post(
    '/v1/rooms/:roomId/hooks',
    { schema: { params: RoomParamsSchema, body: CreateHookBodySchema, response: { 201: CreatedHookSchema } } },
    async (request, reply) => reply.status(201).send(await hooks.create(principalOf(request), request.params.roomId, request.body.name)),
  );

  app.get('/v1/rooms/:roomId/hooks', { schema: { params: RoomParamsSchema, response: { 200: HookListSchema } } }, async (request) =>
    hooks.list(principalOf(request), request.params.roomId),
  );

  app.delete(
    '/v1/rooms/:roomId/hooks/:hookId',
    { schema: { params: RoomHookParamsSchema, response: { 204: NoContentSchema } } },
    async (request, reply) => {
      await hooks.remove(principalOf(request), request.params.roomId, request.params.hookId);
      return reply.status(204).send(null);
    },
  );
};

/**
 * Posting through a hook: no JWT, the hook's secret signs the exact bytes of the body, so JSON
 * is parsed here (in this plugin only) after the signature over the raw text holds.
 */
export const hookPostRoutes: FastifyPluginAsyncTypebox<HookRoutesOptions> = async (app, { hooks, chat, metrics, io }) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  // 201 for a new message, 200 for a retry of one already posted (same Idempotency-Key).
  app.post(
    '/v1/hooks/:hookId',
    {
      schema: {
        security: [{ hookSignature: [] }],
        params: HookParamsSchema,
        response: { 200: HookMessageResultSchema, 201: HookMessageResultSchema },
      },
    },
    async (request, reply) => {
      const rawBody = typeof request.body === 'string' ? request.body : '';
      const hook = await hooks.authenticate(request.params.hookId, {
        rawBody,
        timestamp: header(request.headers[TIMESTAMP_HEADER]),
        signature: header(request.headers[SIGNATURE_HEADER]),
      });
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        throw new ChatError(ErrorCode.VALIDATION_FAILED, 'body: not valid JSON');
      }
      const body = messageBody.parse(parsed);
      const key = header(request.headers['idempotency-key']);
      if (key !== undefined && !idempotencyKey.check(key)) {
        throw new ChatError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key: 1 to 128 of letters, digits, _ . : -');
      }
      const result = await hooks.post(hook, body, key);
      request.log.debug(
        {
          roomId: hook.roomId,
          userId: hook.botUserId,
          hookId: request.params.hookId,
          messageId: result.message.messageId,
          duplicate: result.duplicate,
        },
        'hook message',
      );
      announceSent(io(), chat, metrics, result, (broadcast) => broadcast());
      const answer: HookMessageResult = {
        messageId: result.message.messageId,
        roomId: result.message.roomId,
        seq: result.message.seq,
        duplicate: result.duplicate,
      };
      return reply.status(result.duplicate ? 200 : 201).send(answer);
    },
  );
};

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
