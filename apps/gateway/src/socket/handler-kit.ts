import { type AckResponse, ChatError, type ClientEventName, ErrorCode, isChatError, type Validator } from '@campzone/protocol';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Logger } from 'pino';
import type { InFlight } from '../lifecycle/in-flight';
import type { GatewayMetrics } from '../observability/metrics';
import type { ChatSocket } from './socket-types';

export interface HandlerContext {
  socket: ChatSocket;
  userId: string;
}

export interface HandlerKit {
  metrics: GatewayMetrics;
  logger: Logger;
  inFlight: InFlight;
}

type Reply<R> = (socket: ChatSocket, result: R) => void;

/**
 * Registers one client event: validate the payload, run the handler (which authorizes and
 * calls a service), then answer the ack callback and emit the seed's named reply. Any
 * failure becomes a failed ack plus an `error` event; nothing escapes to crash the pod.
 */
export function onEvent<S extends TSchema, R extends object>(
  kit: HandlerKit,
  ctx: HandlerContext,
  event: ClientEventName,
  validator: Validator<S>,
  handler: (input: Static<S>) => Promise<R>,
  reply?: Reply<R>,
): void {
  ctx.socket.on(event, (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (response: AckResponse<R>) => void) : undefined;
    const payload = ack && args.length === 1 ? undefined : args[0];
    kit.metrics.events.inc({ event });
    void (async () => {
      try {
        const result = await kit.inFlight.track(() => handler(validator.parse(payload)));
        ack?.({ ok: true, ...result });
        reply?.(ctx.socket, result);
      } catch (err) {
        const error = asChatError(err);
        kit.metrics.errors.inc({ code: error.code });
        if (error.code === ErrorCode.INTERNAL)
          kit.logger.error({ err, event, userId: ctx.userId, socketId: ctx.socket.id }, 'event failed');
        else kit.logger.debug({ event, userId: ctx.userId, code: error.code, reason: error.message }, 'event refused');
        ack?.({ ok: false, error: { code: error.code, message: error.message } });
        ctx.socket.emit('error', { code: error.code, message: error.message, event });
      }
    })();
  });
}

export function asChatError(err: unknown): ChatError {
  if (isChatError(err)) return err;
  return new ChatError(ErrorCode.INTERNAL, 'internal error');
}
