import type { ClientToServerEvents, CreateRoomBody, ServerToClientEvents } from '@campzone/protocol';
import { io, type Socket } from 'socket.io-client';
import { signHs256 } from '../auth/hs256-signer';
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

export async function createRoomAs(url: string, adminId: string, roomId: string, participants: string[]): Promise<void> {
  const body: CreateRoomBody = { roomId, roomName: roomId, roomType: 'group', participants };
  const response = await fetch(`${url}/v1/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${signHs256(CHAOS_JWT_SECRET, adminId)}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (response.status !== 201) throw new Error(`create room ${roomId}: HTTP ${response.status} ${await response.text()}`);
}
