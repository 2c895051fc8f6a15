import { type ChatTransport, retryAfterOf, type ServerMessage, type TransportFactory, type TransportHandlers } from '@campzone/client';
import type { ServerToClientEvents } from '@campzone/protocol';
import { io, type Socket } from 'socket.io-client';

export interface FailoverTransportOptions {
  /** Every gateway URL the client may use; it starts at `start` and moves on when one fails. */
  urls: readonly string[];
  start: number;
  token: string;
  /** Handshake timeout per attempt. */
  connectTimeoutMs?: number;
  /** Sees every server message before the SDK does (raw delivery counting). */
  tap?: (message: ServerMessage) => void;
  /** Sees every ack answer before the SDK does (error codes per transmission, not per send). */
  tapAck?: (event: string, response: unknown) => void;
  /** Told each time the client opens a connection to a URL after its first one. */
  onFailover?: (url: string) => void;
  random?: () => number;
}

interface LooseEmitEvents {
  [event: string]: (payload: unknown, ack?: (response: unknown) => void) => void;
}

type ClientSocket = Socket<ServerToClientEvents, LooseEmitEvents>;

/**
 * Server events the SDK acts on (named replies duplicate the acks it uses), and the changes a
 * load with --change-ratio makes, which the tap books.
 */
const FORWARDED = [
  'connected',
  'new_message',
  'user_typing',
  'read_receipt',
  'online_users',
  'user_joined',
  'user_left',
  'message_status',
  'message_edited',
  'reaction_updated',
  'token_expiring',
  'error',
] as const satisfies ReadonlyArray<keyof ServerToClientEvents>;

/**
 * A ChatTransport for the SDK that knows several gateway URLs. socket.io-client reconnects only
 * to the URL it started with, which is exactly wrong when that gateway was killed: here every
 * reconnect (after a drop, a refused handshake or a server kick) goes to the next URL, the way a
 * load balancer would send it to a live replica. When is the SDK's business, as with its own
 * transport (full jitter, a refusing gateway's retryAfterMs): a reconnect storm measured here
 * is the one real clients make. Its other rules (rejoin, sync from the cursor, resend
 * unacknowledged sends with the same key) run unchanged.
 */
export function failoverTransport(options: FailoverTransportOptions): TransportFactory {
  if (options.urls.length === 0) throw new TypeError('failoverTransport needs at least one URL');
  const random = options.random ?? Math.random;
  return (handlers: TransportHandlers): ChatTransport => {
    let index = options.start % options.urls.length;
    let socket: ClientSocket | undefined;
    let opened = 0;
    let stopped = true;

    const deliver = (message: ServerMessage): void => {
      options.tap?.(message);
      handlers.onServerMessage(message);
    };

    const discard = (): void => {
      if (!socket) return;
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
      socket = undefined;
    };

    /**
     * The next connect() knocks on another door, picked at random as a load balancer would:
     * stepping to the next URL would send every client of a dead pod to the same survivor.
     */
    const moveOn = (): void => {
      discard();
      const others = options.urls.length - 1;
      if (others > 0) index = (index + 1 + Math.floor(random() * others)) % options.urls.length;
    };

    const open = (): void => {
      if (stopped) return;
      const url = options.urls[index]!;
      if (opened++ > 0) options.onFailover?.(url);
      const current: ClientSocket = io(url, {
        forceNew: true,
        reconnection: false,
        transports: ['websocket'],
        auth: { token: options.token },
        timeout: options.connectTimeoutMs ?? 5000,
      });
      socket = current;
      current.on('connect', () => handlers.onConnect());
      current.on('disconnect', (reason) => {
        if (socket !== current) return;
        if (reason !== 'io client disconnect') moveOn();
        handlers.onDisconnect(reason, false);
      });
      current.on('connect_error', (err: Error & { data?: unknown }) => {
        if (socket !== current) return;
        // A dead pod, a draining one, or one whose connection rate limit refused us (its
        // retryAfterMs is for it): the next attempt goes elsewhere.
        moveOn();
        handlers.onConnectError(err.message, false, retryAfterOf(err.data));
      });
      for (const event of FORWARDED) {
        // The payload type is tied to the event name, which a loop over names cannot express.
        (current as unknown as { on(e: string, fn: (payload: unknown) => void): void }).on(event, (payload) =>
          deliver({ event, payload } as ServerMessage),
        );
      }
    };

    return {
      get connected() {
        return socket?.connected ?? false;
      },
      get socketId() {
        return socket?.id;
      },
      emit(event, payload, ack) {
        if (!socket) return;
        const tapAck = options.tapAck;
        if (ack && tapAck) {
          socket.emit(event, payload, (response: unknown) => {
            tapAck(event, response);
            ack(response);
          });
        } else if (ack) socket.emit(event, payload, ack);
        else socket.emit(event, payload);
      },
      connect() {
        stopped = false;
        if (socket) return;
        open();
      },
      disconnect() {
        stopped = true;
        const wasConnected = socket?.connected ?? false;
        discard();
        if (wasConnected) handlers.onDisconnect('io client disconnect', false);
      },
    };
  };
}
