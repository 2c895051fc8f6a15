import type { ClientToServerEvents, CreateRoomBody, ServerToClientEvents } from '@campzone/protocol';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { JWT_SECRET } from './gateway-cluster';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const open: ClientSocket[] = [];

export function tokenFor(userId: string, options: jwt.SignOptions = {}, secret: string = JWT_SECRET): string {
  return jwt.sign({}, secret, { algorithm: 'HS256', subject: userId, expiresIn: 3600, ...options });
}

/** Connects as userId and resolves on the server's `connected` event. */
export function connectAs(url: string, userId: string, options: { reconnection?: boolean } = {}): Promise<ClientSocket> {
  return connectWithToken(url, tokenFor(userId), options);
}

export function connectWithToken(url: string, token: string | undefined, options: { reconnection?: boolean } = {}): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    auth: token === undefined ? {} : { token },
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
  open.push(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect to ${url} timed out`)), 10_000);
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

export function closeAllClients(): void {
  for (const s of open.splice(0)) s.close();
}

type EventName = keyof ServerToClientEvents;
type PayloadOf<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/** Records every `event` the socket receives from now on. */
export function record<E extends EventName>(socket: ClientSocket, event: E): Array<PayloadOf<E>> {
  const seen: Array<PayloadOf<E>> = [];
  // socket.io-client's typed `on` cannot narrow a generic event name; the payload type is PayloadOf<E>.
  (socket as unknown as { on(e: string, fn: (p: PayloadOf<E>) => void): void }).on(event, (p) => seen.push(p));
  return seen;
}

/** Resolves when `condition` holds, polling; rejects with `what` after the timeout. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function api<T = unknown>(
  url: string,
  method: string,
  path: string,
  userId?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(userId ? { authorization: `Bearer ${tokenFor(userId)}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text.length > 0 ? JSON.parse(text) : undefined) as T };
}

export async function createRoom(
  url: string,
  adminId: string,
  roomId: string,
  participants: string[],
  roomType: CreateRoomBody['roomType'] = 'group',
) {
  const result = await api(url, 'POST', '/v1/rooms', adminId, { roomId, roomName: roomId, roomType, participants });
  if (result.status !== 201) throw new Error(`create room ${roomId}: ${result.status} ${JSON.stringify(result.body)}`);
}

let keySeq = 0;
export function sendArgs(roomId: string, content: string, lamportTimestamp = 0, idempotencyKey = `k-${Date.now()}-${keySeq++}`) {
  return { roomId, content, lamportTimestamp, idempotencyKey };
}
