import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ChatMessage, ClientToServerEvents, MessageSent, ServerToClientEvents } from '@campzone/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { signHs256, verifyHs256 } from '../auth/hs256-signer';

export interface BareServerOptions {
  redisUrl: string;
  /** Prefix of the adapter channel and the seq keys, so several runs can share one Redis. */
  prefix: string;
  jwtSecret: string;
}

type AnyAck = (response: unknown) => void;
type BareServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { userId: string }>;

/**
 * The benchmark's ceiling: Socket.IO + @socket.io/redis-adapter and nothing else a chat
 * server must do. Same event names and ack shapes as the gateway, so the same SDK clients
 * drive it; no persistence, no membership or idempotency checks, no per-message MongoDB.
 *
 * The one extra is a Redis INCR per message for the room's seq: the SDK orders by seq and
 * would hold every message without it. It is the cheapest ordering a multi-process server
 * can offer, and it keeps the comparison client-for-client identical.
 */
export async function startBareServer(options: BareServerOptions): Promise<{ http: HttpServer; io: BareServer; close(): Promise<void> }> {
  const command = createClient({ url: options.redisUrl });
  const pub = command.duplicate();
  const sub = command.duplicate();
  for (const client of [command, pub, sub]) client.on('error', () => undefined);
  await Promise.all([command.connect(), pub.connect(), sub.connect()]);

  const http = createServer((req, res) => void route(req, res, options.jwtSecret));
  const io: BareServer = new Server(http, {
    transports: ['websocket'],
    serveClient: false,
    adapter: createAdapter(pub, sub, { key: `${options.prefix}:sio` }),
  });
  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    const userId = typeof token === 'string' ? verifyHs256(options.jwtSecret, token) : undefined;
    if (!userId) {
      next(Object.assign(new Error('UNAUTHORIZED'), { data: { code: 'UNAUTHORIZED', message: 'bad token' } }));
      return;
    }
    socket.data.userId = userId;
    next();
  });
  const seqKey = (roomId: string) => `${options.prefix}:seq:${roomId}`;

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    void socket.join(`user:${userId}`);
    // Handlers take the raw arguments: payloads are unknown until checked, acks optional.
    const on = (event: string, handler: (payload: Record<string, unknown>, ack: AnyAck) => void | Promise<void>) => {
      (socket as unknown as { on(e: string, fn: (...args: unknown[]) => void): void }).on(event, (...args) => {
        const last = args.at(-1);
        const ack: AnyAck = typeof last === 'function' ? (last as AnyAck) : () => undefined;
        const payload = args[0];
        if (typeof payload !== 'object' || payload === null || typeof (payload as { roomId?: unknown }).roomId !== 'string') {
          ack({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'roomId: expected string' } });
          return;
        }
        void Promise.resolve(handler(payload as Record<string, unknown>, ack)).catch(() =>
          ack({ ok: false, error: { code: 'UNAVAILABLE', message: 'redis unavailable' } }),
        );
      });
    };
    on('join_room', async (payload, ack) => {
      const roomId = payload.roomId as string;
      await socket.join(`room:${roomId}`);
      ack({ ok: true, roomId, message: `Joined room ${roomId}` });
    });
    on('leave_room', async (payload, ack) => {
      const roomId = payload.roomId as string;
      await socket.leave(`room:${roomId}`);
      ack({ ok: true, roomId });
    });
    on('send_message', async (payload, ack) => {
      const { roomId, content, idempotencyKey } = payload as { roomId: string; content?: unknown; idempotencyKey?: unknown };
      if (typeof content !== 'string' || typeof idempotencyKey !== 'string') {
        ack({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'content and idempotencyKey: expected strings' } });
        return;
      }
      const seq = await command.incr(seqKey(roomId));
      const message: ChatMessage = {
        messageId: randomBytes(12).toString('hex'),
        roomId,
        senderId: userId,
        content,
        messageType: 'text',
        lamportTimestamp: seq,
        seq,
        createdAt: new Date().toISOString(),
        status: 'PENDING',
      };
      io.to(`room:${roomId}`).emit('new_message', message);
      const sent: MessageSent = { ...pick(message), idempotencyKey, duplicate: false };
      ack({ ok: true, ...sent });
    });
    on('sync', async (payload, ack) => {
      const roomId = payload.roomId as string;
      // Nothing is kept: a sync can only say how far the room has got.
      const latestSeq = Number((await command.get(seqKey(roomId))) ?? 0);
      ack({ ok: true, roomId, messages: [], count: 0, latestSeq, hasMore: false });
    });
    socket.emit('connected', { socketId: socket.id, userId, message: 'Connected to the bare server' });
  });

  return {
    http,
    io,
    async close() {
      io.close();
      await Promise.allSettled([command.quit(), pub.quit(), sub.quit()]);
    },
  };
}

function pick(m: ChatMessage): Omit<MessageSent, 'idempotencyKey' | 'duplicate'> {
  return {
    messageId: m.messageId,
    status: m.status,
    lamportTimestamp: m.lamportTimestamp,
    seq: m.seq,
    roomId: m.roomId,
    createdAt: m.createdAt,
  };
}

/** The two REST calls the load generator makes: dev tokens and room creation (a no-op here). */
async function route(req: IncomingMessage, res: ServerResponse, secret: string): Promise<void> {
  const body = await readBody(req);
  const reply = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (req.method === 'GET' && req.url === '/healthz') return reply(200, { status: 'ok' });
  if (req.method === 'POST' && req.url === '/v1/dev/token') {
    const userId = (body as { userId?: unknown }).userId;
    if (typeof userId !== 'string') return reply(400, { error: { code: 'VALIDATION_FAILED', message: 'userId' } });
    return reply(200, { token: signHs256(secret, userId), userId, expiresIn: 86_400 });
  }
  if (req.method === 'POST' && req.url === '/v1/rooms') return reply(201, body);
  return reply(404, { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch {
        resolve({});
      }
    });
  });
}
