import type { ClientEventName, ServerToClientEvents } from '@campzone/protocol';
import type { Server, Socket } from 'socket.io';

/** Incoming payloads are unknown until validated at the edge; outgoing ones are typed. */
export type IncomingEvents = Record<ClientEventName, (...args: unknown[]) => void>;

export interface SocketData {
  userId: string;
  username?: string;
  /** Rooms the user belonged to at the handshake; the socket joins them on connect. */
  roomIds: string[];
}

export type ChatServer = Server<IncomingEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatSocket = Socket<IncomingEvents, ServerToClientEvents, Record<string, never>, SocketData>;
