import type { ServerToClientEvents } from '@campzone/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ChatTransport, TransportFactory } from './transport';

export type SocketIoOptions = Partial<ManagerOptions & SocketOptions>;

export interface SocketIoTransportOptions {
  url: string;
  /** Called by socket.io-client on every (re)connect, so a refreshed token is used each time. */
  auth: (callback: (data: { token: string }) => void) => void;
  transports: NonNullable<SocketIoOptions['transports']>;
  reconnectionDelayMs: number;
  reconnectionDelayMaxMs: number;
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
      reconnection: true,
      reconnectionDelay: options.reconnectionDelayMs,
      reconnectionDelayMax: options.reconnectionDelayMaxMs,
      ...options.socketOptions,
    });

    socket.on('connect', () => handlers.onConnect());
    // `socket.active` is false after our own disconnect() and after a server kick: then
    // socket.io-client will not reconnect by itself.
    socket.on('disconnect', (reason) => handlers.onDisconnect(reason, socket.active));
    socket.on('connect_error', (err) => handlers.onConnectError(err.message, socket.active));
    socket.io.on('reconnect_attempt', (attempt) => handlers.onReconnectAttempt(attempt));

    // Only the events the client acts on. The named replies to our requests (joined_room,
    // message_sent, messages, synced, left_room) duplicate the ack callbacks and are ignored.
    socket.on('connected', (payload) => handlers.onServerMessage({ event: 'connected', payload }));
    socket.on('new_message', (payload) => handlers.onServerMessage({ event: 'new_message', payload }));
    socket.on('user_typing', (payload) => handlers.onServerMessage({ event: 'user_typing', payload }));
    socket.on('read_receipt', (payload) => handlers.onServerMessage({ event: 'read_receipt', payload }));
    socket.on('online_users', (payload) => handlers.onServerMessage({ event: 'online_users', payload }));
    socket.on('user_joined', (payload) => handlers.onServerMessage({ event: 'user_joined', payload }));
    socket.on('user_left', (payload) => handlers.onServerMessage({ event: 'user_left', payload }));
    socket.on('message_status', (payload) => handlers.onServerMessage({ event: 'message_status', payload }));
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
