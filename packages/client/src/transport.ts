import type { AckFn, ClientToServerEvents, ServerToClientEvents } from '@campzone/protocol';

export type ClientEventName = keyof ClientToServerEvents;
export type PayloadOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
/** The success payload of a client event's ack (`{ ok: true, ...ReplyOf<E> }`). */
export type ReplyOf<E extends ClientEventName> = NonNullable<Parameters<ClientToServerEvents[E]>[1]> extends AckFn<infer R> ? R : never;

export type ServerEventName = keyof ServerToClientEvents;
/** One server event with its payload, as a union the client can `switch` on. */
export type ServerMessage = {
  [E in ServerEventName]: { event: E; payload: Parameters<ServerToClientEvents[E]>[0] };
}[ServerEventName];

export interface TransportHandlers {
  onConnect(): void;
  /**
   * `willReconnect`: this transport retries by itself. The SDK's own transports never do: the
   * SDK times every reconnect (full jitter, the server's retryAfterMs), unless the reason is
   * `io client disconnect` (our own disconnect()).
   */
  onDisconnect(reason: string, willReconnect: boolean): void;
  /**
   * `message` is the server's reason (an ErrorCode such as UNAUTHORIZED) or a network error text;
   * `retryAfterMs` the server's wait before trying again (its connection rate limit).
   */
  onConnectError(message: string, willRetry: boolean, retryAfterMs?: number): void;
  onServerMessage(message: ServerMessage): void;
}

/**
 * What the client needs from a socket. The real one wraps socket.io-client; tests drive the
 * client through a fake that plays the gateway.
 */
export interface ChatTransport {
  readonly connected: boolean;
  readonly socketId: string | undefined;
  /** `ack` receives the server's raw answer; the client checks its shape. */
  emit<E extends ClientEventName>(event: E, payload: PayloadOf<E>, ack?: (response: unknown) => void): void;
  connect(): void;
  disconnect(): void;
}

export type TransportFactory = (handlers: TransportHandlers) => ChatTransport;
