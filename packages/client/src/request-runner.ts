import { ChatClientError, isErrorCode } from './chat-client-error';
import type { Scheduler, TimerHandle } from './scheduler';
import type { ChatTransport, ClientEventName, PayloadOf, ReplyOf } from './transport';

interface Pending {
  readonly event: ClientEventName;
  readonly emit: () => void;
  sent: boolean;
  timer: TimerHandle | undefined;
  fail(err: ChatClientError): void;
}

/**
 * Turns an event with an ack callback into a promise. A request made while offline waits for
 * the connection (within its timeout) instead of sitting in socket.io's send buffer, so nothing
 * goes out twice when the client replays its own state after a reconnect. A request already on
 * the wire when the socket drops fails at once (`disconnected`): socket.io-client never calls
 * such an ack, and waiting for the timeout would only delay the retry.
 */
export class RequestRunner {
  private readonly pending = new Set<Pending>();
  private closed = false;

  constructor(
    private readonly transport: () => ChatTransport,
    private readonly scheduler: Scheduler,
    private readonly defaultTimeoutMs: number,
  ) {}

  /**
   * `onReply` runs synchronously inside the ack callback, before the promise settles: a packet
   * that arrives in the same read as the ack (socket.io-client dispatches those back to back,
   * with no microtask turn between) then already sees its effects.
   */
  request<E extends ClientEventName>(
    event: E,
    payload: PayloadOf<E>,
    options: { timeoutMs?: number; onReply?: (reply: ReplyOf<E>) => void } = {},
  ): Promise<ReplyOf<E>> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    if (this.closed) return Promise.reject(new ChatClientError('UNAVAILABLE', 'client is closed', 'closed', event));
    return new Promise<ReplyOf<E>>((resolve, reject) => {
      const finish = (): boolean => {
        if (!this.pending.delete(entry)) return false;
        entry.timer?.cancel();
        return true;
      };
      const entry: Pending = {
        event,
        sent: false,
        timer: undefined,
        emit: () => {
          entry.sent = true;
          this.transport().emit(event, payload, (response) => {
            if (!finish()) return; // timed out or failed already: a late answer changes nothing
            const outcome = parseAck<ReplyOf<E>>(response, event);
            if (!outcome.ok) {
              reject(outcome.error);
              return;
            }
            options.onReply?.(outcome.value);
            resolve(outcome.value);
          });
        },
        fail: (err) => {
          if (finish()) reject(err);
        },
      };
      this.pending.add(entry);
      entry.timer = this.scheduler.setTimeout(
        () => entry.fail(new ChatClientError('UNAVAILABLE', `no answer to ${event} within ${timeoutMs} ms`, 'timeout', event)),
        timeoutMs,
      );
      if (this.transport().connected) entry.emit();
    });
  }

  /** The socket is (re)connected: send what was waiting. */
  connected(): void {
    for (const entry of [...this.pending]) if (!entry.sent) entry.emit();
  }

  /** The socket dropped: fail what was on the wire; what was waiting keeps waiting. */
  disconnected(): void {
    for (const entry of [...this.pending]) {
      if (entry.sent)
        entry.fail(new ChatClientError('UNAVAILABLE', `connection lost before ${entry.event} was answered`, 'disconnected', entry.event));
    }
  }

  close(): void {
    this.closed = true;
    for (const entry of [...this.pending]) entry.fail(new ChatClientError('UNAVAILABLE', 'client closed', 'closed', entry.event));
  }
}

type AckOutcome<T> = { ok: true; value: T } | { ok: false; error: ChatClientError };

/** Reads `{ ok: true, ...payload }` or `{ ok: false, error: { code, message } }`, trusting nothing else. */
export function parseAck<T>(response: unknown, event: string): AckOutcome<T> {
  if (typeof response !== 'object' || response === null || typeof (response as { ok?: unknown }).ok !== 'boolean') {
    return { ok: false, error: new ChatClientError('INTERNAL', `malformed answer to ${event}`, 'server', event) };
  }
  if ((response as { ok: boolean }).ok) return { ok: true, value: response as T };
  const raw = (response as { error?: unknown }).error;
  const error = typeof raw === 'object' && raw !== null ? (raw as { code?: unknown; message?: unknown; retryAfterMs?: unknown }) : {};
  const code = isErrorCode(error.code) ? error.code : 'INTERNAL';
  const message = typeof error.message === 'string' ? error.message : `${event} failed`;
  const retryAfterMs = typeof error.retryAfterMs === 'number' && error.retryAfterMs >= 0 ? error.retryAfterMs : undefined;
  return { ok: false, error: new ChatClientError(code, message, 'server', event, retryAfterMs) };
}
