import type { ChatMessage, ClientToServerEvents, CreateRoomBody, MessageSent, ServerToClientEvents } from '@campzone/protocol';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type EventName = keyof ServerToClientEvents;
type PayloadOf<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

const open: ClientSocket[] = [];

async function post<T>(url: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A token from the gateway's dev-token route (AUTH_DEV_TOKENS=true in tests). */
export async function tokenFor(url: string, userId: string): Promise<string> {
  const reply = await post<{ token: string }>(url, '/v1/dev/token', { userId });
  if (reply.status !== 200) throw new Error(`dev token for ${userId}: ${reply.status}`);
  return reply.body.token;
}

export async function createRoom(
  url: string,
  adminId: string,
  roomId: string,
  participants: string[],
  roomType: CreateRoomBody['roomType'] = 'group',
): Promise<void> {
  const body: CreateRoomBody = { roomId, roomName: roomId, roomType, participants };
  const reply = await post(url, '/v1/rooms', body, await tokenFor(url, adminId));
  if (reply.status !== 201) throw new Error(`create room ${roomId}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Adds userId to roomId through the gateway's REST route, as the room's owner ownerId. */
export async function addMember(url: string, ownerId: string, roomId: string, userId: string): Promise<void> {
  const reply = await post(url, `/v1/rooms/${roomId}/participants`, { userId }, await tokenFor(url, ownerId));
  if (reply.status !== 201) throw new Error(`add ${userId} to ${roomId}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Connects as userId and resolves on `connected`. The socket acks nothing unless the test makes it. */
export async function connectAs(url: string, userId: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    auth: { token: await tokenFor(url, userId) },
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect to ${url} as ${userId} timed out`)), 10_000);
    socket.once('connected', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export function closeAllClients(): void {
  for (const s of open.splice(0)) s.close();
}

export interface Received<P> {
  payload: P;
  at: number;
}

/** Records every `event` the socket receives from now on, with when it arrived. */
export function record<E extends EventName>(socket: ClientSocket, event: E): Array<Received<PayloadOf<E>>> {
  const seen: Array<Received<PayloadOf<E>>> = [];
  // socket.io-client's typed `on` cannot narrow a generic event name; the payload type is PayloadOf<E>.
  (socket as unknown as { on(e: string, fn: (p: PayloadOf<E>) => void): void }).on(event, (payload) => {
    seen.push({ payload, at: performance.now() });
  });
  return seen;
}

/** Resolves when `condition` holds, polling; rejects with `what` after the timeout. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let keySeq = 0;
export async function send(socket: ClientSocket, roomId: string, content: string): Promise<MessageSent> {
  const reply = await socket.emitWithAck('send_message', {
    roomId,
    content,
    lamportTimestamp: 0,
    idempotencyKey: `wk-${Date.now()}-${keySeq++}`,
  });
  if (!reply.ok) throw new Error(`send failed: ${reply.error.code} ${reply.error.message}`);
  return reply;
}

/** The statuses of a room's messages as its members read them (by `sync`), in seq order. */
export async function statusesSeenBy(socket: ClientSocket, roomId: string): Promise<string[]> {
  const reply = await socket.emitWithAck('sync', { roomId, afterSeq: 0, limit: 500 });
  if (!reply.ok) throw new Error(`sync failed: ${reply.error.code} ${reply.error.message}`);
  return reply.messages.map((m: ChatMessage) => m.status);
}

/** Acks every `new_message` this socket receives in its room (what a real client's SDK does). */
export function ackEverything(socket: ClientSocket): void {
  socket.on('new_message', (m) => {
    socket.emit('ack', { roomId: m.roomId, seq: m.seq });
  });
}
