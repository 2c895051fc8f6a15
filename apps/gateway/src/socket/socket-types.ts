import type { ClientEventName, ServerToClientEvents } from '@campzone/protocol';
import type { Server, Socket } from 'socket.io';

/** Incoming payloads are unknown until validated at the edge; outgoing ones are typed. */
export type IncomingEvents = Record<ClientEventName, (...args: unknown[]) => void>;

export interface SocketData {
  userId: string;
  username?: string;
  /** Rooms the user belonged to at the handshake; the socket joins them on connect. */
  roomIds: string[];
  /** When the socket's token expires (epoch ms); a reauthenticate moves it. */
  expiresAtMs: number;
  /** The token's `jti`: the socket sits in tokenChannel(jti), so revoking it reaches every pod. */
  tokenId?: string;
  /** token_expiring was sent for the current expiry. */
  warned?: boolean;
}

/** The Socket.IO room of the sockets holding one token (by its `jti`). */
export const tokenChannel = (tokenId: string): string => `token:${tokenId}`;

/** Between gateway pods (Socket.IO's serverSideEmit over the adapter): caches to drop. */
export interface InterServerEvents {
  members_changed: (roomId: string, userIds: string[], done: (ok: boolean) => void) => void;
  room_changed: (roomId: string, done: (ok: boolean) => void) => void;
}

export type ChatServer = Server<IncomingEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ChatSocket = Socket<IncomingEvents, ServerToClientEvents, InterServerEvents, SocketData>;
