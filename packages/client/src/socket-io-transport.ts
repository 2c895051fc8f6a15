import type { ServerToClientEvents } from '@campzone/protocol';
import { io, type Manager, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ChatTransport, TransportFactory } from './transport';

export type SocketIoOptions = Partial<ManagerOptions & SocketOptions>;

export interface SocketIoTransportOptions {
  url: string;
  /** More gateways: after a failed connection attempt the next one in the ring is tried. */
  fallbackUrls?: readonly string[];
  /** Called by socket.io-client on every (re)connect, so a refreshed token is used each time. */
  auth: (callback: (data: { token: string }) => void) => void;
  transports: NonNullable<SocketIoOptions['transports']>;
  /** Anything else for socket.io-client (path, extraHeaders in Node, ...); applied last. */
  socketOptions?: SocketIoOptions;
}

/**
 * Emits are typed by `ChatTransport.emit`; socket.io's own emit typing cannot check a generic
 * event name against its payload, so the socket is declared with this loose emit map.
 */
interface LooseEmitEvents {
  [event: string]: (payload: unknown, ack?: (response: unknown) => void) => void;
}

export function socketIoTransport(options: SocketIoTransportOptions): TransportFactory {
  return (handlers) => {
    const socket: Socket<ServerToClientEvents, LooseEmitEvents> = io(options.url, {
      autoConnect: false,
      // One connection per client: the default multiplexing would put every client of a load
      // test on one WebSocket, and one drop would disconnect them all.
      forceNew: true,
      transports: options.transports,
      auth: options.auth,
      ...options.socketOptions,
      // The SDK times every reconnect itself (full jitter, and the gateway's retryAfterMs, which
      // socket.io's own backoff cannot honour), so socket.io-client's is off whatever is passed.
      reconnection: false,
    });
    const urls = [options.url, ...(options.fallbackUrls ?? [])];
    if (urls.length > 1) failOverBetween(socket, urls);

    socket.on('connect', () => handlers.onConnect());
    socket.on('disconnect', (reason) => handlers.onDisconnect(reason, false));
    socket.on('connect_error', (err: Error & { data?: unknown }) => handlers.onConnectError(err.message, false, retryAfterOf(err.data)));

    // Only the events the client acts on. The named replies to our requests (joined_room,
    // message_sent, messages, synced, left_room, thread) duplicate the ack callbacks and are ignored.
    socket.on('connected', (payload) => handlers.onServerMessage({ event: 'connected', payload }));
    socket.on('new_message', (payload) => handlers.onServerMessage({ event: 'new_message', payload }));
    socket.on('user_typing', (payload) => handlers.onServerMessage({ event: 'user_typing', payload }));
    socket.on('read_receipt', (payload) => handlers.onServerMessage({ event: 'read_receipt', payload }));
    socket.on('online_users', (payload) => handlers.onServerMessage({ event: 'online_users', payload }));
    socket.on('user_joined', (payload) => handlers.onServerMessage({ event: 'user_joined', payload }));
    socket.on('user_left', (payload) => handlers.onServerMessage({ event: 'user_left', payload }));
    socket.on('message_status', (payload) => handlers.onServerMessage({ event: 'message_status', payload }));
    socket.on('message_edited', (payload) => handlers.onServerMessage({ event: 'message_edited', payload }));
    socket.on('message_deleted', (payload) => handlers.onServerMessage({ event: 'message_deleted', payload }));
    socket.on('reaction_updated', (payload) => handlers.onServerMessage({ event: 'reaction_updated', payload }));
    socket.on('message_pinned', (payload) => handlers.onServerMessage({ event: 'message_pinned', payload }));
    socket.on('thread_updated', (payload) => handlers.onServerMessage({ event: 'thread_updated', payload }));
    socket.on('participant_removed', (payload) => handlers.onServerMessage({ event: 'participant_removed', payload }));
    socket.on('room_updated', (payload) => handlers.onServerMessage({ event: 'room_updated', payload }));
    socket.on('token_expiring', (payload) => handlers.onServerMessage({ event: 'token_expiring', payload }));
    socket.on('error', (payload) => handlers.onServerMessage({ event: 'error', payload }));

    const transport: ChatTransport = {
      get connected() {
        return socket.connected;
      },
      get socketId() {
        return socket.id;
      },
      emit(event, payload, ack) {
        if (ack) socket.emit(event, payload, ack);
        else socket.emit(event, payload);
      },
      connect() {
        socket.connect();
      },
      disconnect() {
        socket.disconnect();
      },
    };
    return transport;
  };
}

/** The gateway's wait from a refused handshake's `data` (`{ code, message, retryAfterMs? }`). */
export function retryAfterOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * After every failed attempt (a dead pod refuses the TCP connection, a draining pod the
 * handshake), points the next attempt at the next URL of the ring. The attempt right after a
 * drop still goes to the same gateway: a blip does not move the client.
 *
 * socket.io-client builds each attempt's engine from its Manager's `uri` (private in its types,
 * stable through 4.x). Changing it between attempts keeps one Manager, so the socket's buffered
 * emits carry over; a new Manager per URL would lose them.
 */
function failOverBetween(socket: Socket<ServerToClientEvents, LooseEmitEvents>, urls: readonly string[]): void {
  const manager = retargetable(socket.io);
  let current = 0;
  socket.on('connect_error', () => {
    current = (current + 1) % urls.length;
    manager.uri = urls[current] ?? urls[0]!;
  });
}

function retargetable(manager: Manager): { uri: string } {
  const target = manager as unknown as { uri?: unknown };
  // Fails loudly at construction if a socket.io-client upgrade renames the field.
  if (typeof target.uri !== 'string') throw new Error('this socket.io-client has no Manager.uri: fallbackUrls are not supported');
  return target as { uri: string };
}
