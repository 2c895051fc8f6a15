import type { ClientToServerEvents, ServerToClientEvents } from '@campzone/protocol';
import { io, type Socket } from 'socket.io-client';
import { signHs256 } from '../auth/hs256-signer';
import { createRoom } from '../load/create-room';
import { CHAOS_JWT_SECRET } from './chaos-cluster';

export type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A bare socket.io-client socket as `userId` (no SDK: it acks nothing unless told to). */
export function connectRaw(url: string, userId: string): Promise<RawSocket> {
  const socket: RawSocket = io(url, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    auth: { token: signHs256(CHAOS_JWT_SECRET, userId) },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${userId} did not connect to ${url}`)), 15_000);
    socket.once('connected', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
  });
}

export function createRoomAs(url: string, adminId: string, roomId: string, participants: string[]): Promise<void> {
  return createRoom(url, signHs256(CHAOS_JWT_SECRET, adminId), roomId, participants);
}
