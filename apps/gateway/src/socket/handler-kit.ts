import {
  type AckError,
  type AckResponse,
  ChatError,
  type ClientEventName,
  ErrorCode,
  isChatError,
  type Validator,
} from '@campzone/protocol';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { isDependencyFailure } from '../chat/dependency-errors';
import type { InFlight } from '../lifecycle/in-flight';
import type { GatewayMetrics } from '../observability/metrics';
import type { ChatSocket } from './socket-types';

/** Who an event came from: the one per-socket object the handlers see. */
export interface HandlerContext {
  socket: ChatSocket;
  userId: string;
}

export interface HandlerKit {
  metrics: GatewayMetrics;
  logger: Logger;
  inFlight: InFlight;
}

type Dispatch = (ctx: HandlerContext, args: unknown[]) => void;

/**
 * Registers work to run once the client has its answer (ack and named reply sent). A send's
 * broadcast goes here: the sender's socket then reads its ack before the echo of its own
 * message, so the SDK presents that message already linked to the send's local id.
 */
export type AfterReply = (work: () => void) => void;

/**
 * Every client event's handler, built once per server. A socket gets one listener that looks
 * its events up here, instead of a closure per event per socket: those closures were a third
 * of a gateway's memory per idle socket (heap snapshot at 5,000 sockets: ~39 closures, 17
 * bound functions and 23 contexts each).
 */
export class EventTable {
  private readonly dispatch = new Map<string, Dispatch>();

  constructor(private readonly kit: HandlerKit) {}

  /**
   * Registers one client event: validate the payload, run the handler (which authorizes and
   * calls a service), then answer the ack callback and emit the seed's named reply. Any
   * failure becomes a failed ack plus an `error` event; nothing escapes to crash the pod.
   */
  on<S extends TSchema, R extends object>(
    event: ClientEventName,
    validator: Validator<S>,
    handler: (ctx: HandlerContext, input: Static<S>, afterReply: AfterReply) => Promise<R>,
    reply?: (socket: ChatSocket, result: R) => void,
  ): void {
    const kit = this.kit;
    this.dispatch.set(event, (ctx, args) => {
      const last = args.at(-1);
      const ack = typeof last === 'function' ? (last as (response: AckResponse<R>) => void) : undefined;
      const payload = ack && args.length === 1 ? undefined : args[0];
      kit.metrics.events.inc({ event });
      void (async () => {
        const followUps: Array<() => void> = [];
        try {
          const result = await kit.inFlight.track(() => handler(ctx, validator.parse(payload), (work) => followUps.push(work)));
          ack?.({ ok: true, ...result });
          reply?.(ctx.socket, result);
          for (const work of followUps) work();
        } catch (err) {
          const error = asChatError(err);
          kit.metrics.errors.inc({ code: error.code });
          if (error.code === ErrorCode.INTERNAL)
            kit.logger.error({ err, event, userId: ctx.userId, socketId: ctx.socket.id }, 'event failed');
          else kit.logger.debug({ event, userId: ctx.userId, code: error.code, reason: error.message }, 'event refused');
          const refusal = ackErrorOf(error);
          ack?.({ ok: false, error: refusal });
          ctx.socket.emit('error', { ...refusal, event });
        }
      })();
    });
  }

  /**
   * Serves one socket's events from the table. An event it does not know is refused like bad
   * input (a failed ack and an `error`), so a client built against a newer protocol, or with a
   * typo, learns why nothing happened instead of waiting for an answer that never comes.
   */
  attach(ctx: HandlerContext): void {
    ctx.socket.onAny((event: string, ...args: unknown[]) => {
      const dispatch = this.dispatch.get(event);
      if (dispatch) dispatch(ctx, args);
      else this.refuseUnknown(ctx, event, args);
    });
  }

  private refuseUnknown(ctx: HandlerContext, event: string, args: unknown[]): void {
    const last = args.at(-1);
    const refusal: AckError = { code: ErrorCode.VALIDATION_FAILED, message: `unknown event ${JSON.stringify(event.slice(0, 64))}` };
    this.kit.metrics.errors.inc({ code: refusal.code });
    if (typeof last === 'function') (last as (response: AckResponse<object>) => void)({ ok: false, error: refusal });
    ctx.socket.emit('error', { ...refusal, event: event.slice(0, 64) });
  }
}

/** What a client is told of a refusal: the SDK's outbox waits `retryAfterMs` before it sends again. */
export function ackErrorOf(error: ChatError): AckError {
  const refusal: AckError = { code: error.code, message: error.message };
  if (error.retryAfterMs !== undefined) refusal.retryAfterMs = error.retryAfterMs;
  return refusal;
}

export function asChatError(err: unknown): ChatError {
  if (isChatError(err)) return err;
  if (isDependencyFailure(err)) return new ChatError(ErrorCode.UNAVAILABLE, 'Redis or MongoDB is unavailable; retry');
  return new ChatError(ErrorCode.INTERNAL, 'internal error');
}
