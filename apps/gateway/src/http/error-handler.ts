import { ChatError, ErrorCode, type ErrorResponse, httpStatusOf, isChatError } from '@campzone/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isDependencyFailure } from '../chat/dependency-errors';

/** The one place REST turns any error into `{ error: { code, message } }` and a status. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ChatError, request, reply) => {
    const error = toChatError(err);
    if (error.code === ErrorCode.INTERNAL) request.log.error({ err }, 'request failed');
    const body: ErrorResponse = { error: { code: error.code, message: error.message } };
    if (error.retryAfterMs !== undefined) {
      body.error.retryAfterMs = error.retryAfterMs;
      reply.header('retry-after', Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    }
    return reply.status(httpStatusOf[error.code]).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: ErrorCode.NOT_FOUND, message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}

function toChatError(err: FastifyError | ChatError): ChatError {
  if (isChatError(err)) return err;
  if (err.validation) return new ChatError(ErrorCode.VALIDATION_FAILED, err.message);
  if (err.statusCode === 413) return new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, 'request body too large');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new ChatError(ErrorCode.VALIDATION_FAILED, err.message);
  if (isDependencyFailure(err)) return new ChatError(ErrorCode.UNAVAILABLE, 'Redis or MongoDB is unavailable; retry');
  return new ChatError(ErrorCode.INTERNAL, 'internal error');
}
