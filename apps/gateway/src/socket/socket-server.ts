import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { GatewayConfig } from '@campzone/config';
import { type AckError, ChatError, ErrorCode, roomChannel, userChannel } from '@campzone/protocol';
import type { RateLimiter, RedisConnection } from '@campzone/realtime';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { Authenticator } from '../auth/authenticator';
import { bearerOf } from '../auth/token-verifier';
import type { ChatServices } from '../chat/chat-services';
import type { InFlight } from '../lifecycle/in-flight';
import type { GatewayMetrics } from '../observability/metrics';
import { ConnectAdmission } from './connect-admission';
import { ackErrorOf, asChatError, EventTable, type HandlerContext } from './handler-kit';
import { messageEvents } from './message.handlers';
import { messageChangeEvents } from './message-change.handlers';
import { presenceEvents } from './presence.handlers';
import { receiptEvents } from './receipt.handlers';
import { roomEvents } from './room.handlers';
import { sessionEvents } from './session.handlers';
import { type ChatServer, type SocketData, tokenChannel } from './socket-types';
import { stopTypingOf, typingEvents } from './typing.handlers';

export interface SocketServerDeps {
  config: GatewayConfig;
  logger: Logger;
  metrics: GatewayMetrics;
  auth: Authenticator;
  chat: ChatServices;
  inFlight: InFlight;
  redis: { pub: RedisConnection; sub: RedisConnection };
  adapterKey: string;
  limiter: RateLimiter;
  /** False once the pod drains: new connections are refused so clients go elsewhere. */
  accepting: () => boolean;
}

export function createSocketServer(http: HttpServer, deps: SocketServerDeps): ChatServer {
  const { config, logger, metrics } = deps;
  const io: ChatServer = new Server(http, {
    transports: config.SOCKET_TRANSPORTS === 'websocket' ? ['websocket'] : ['polling', 'websocket'],
    maxHttpBufferSize: config.MAX_HTTP_BUFFER_SIZE,
    serveClient: false,
    cors: config.CORS_ORIGINS.length > 0 ? { origin: config.CORS_ORIGINS, credentials: true } : undefined,
    allowRequest: (req, callback) => {
      if (!deps.accepting()) return callback('UNAVAILABLE', false);
      callback(null, originAllowed(req, config.CORS_ORIGINS));
    },
    adapter:
      config.REDIS_ADAPTER === 'sharded'
        ? createShardedAdapter(deps.redis.pub, deps.redis.sub, { channelPrefix: deps.adapterKey })
        : createAdapter(deps.redis.pub, deps.redis.sub, { key: deps.adapterKey }),
  });
  io.of('/').adapter.on('error', (err: unknown) => {
    metrics.adapterErrors.inc();
    logger.error({ err }, 'redis adapter error');
  });

  const admission = new ConnectAdmission(config.POD_CONNECT_RATE_PER_SEC, config.POD_CONNECT_BURST);

  // Authentication and the user's rooms are settled before `connection`, so handlers can
  // be registered synchronously and no early event is lost.
  io.use(async (socket, next) => {
    try {
      // First, and in memory: in a reconnect storm the refused cost this pod next to nothing.
      admitToPod(admission, metrics);
      await checkConnectRate(deps, clientAddress(socket.handshake, deps.config.TRUST_PROXY));
      const token = socket.handshake.auth?.token ?? bearerOf(socket.handshake.headers.authorization);
      const principal = await deps.auth.authenticate(token);
      await checkSocketsPerUser(deps, principal.userId);
      socket.data.userId = principal.userId;
      socket.data.expiresAtMs = principal.expiresAtMs;
      if (principal.tokenId) socket.data.tokenId = principal.tokenId;
      if (principal.username) socket.data.username = principal.username;
      socket.data.roomIds = await deps.chat.membership.roomsOf(principal.userId);
      next();
    } catch (err) {
      const error = asChatError(err);
      // connect_error's data: the SDK waits retryAfterMs (a connection rate limit) before it tries again.
      const refusal = new Error(error.code) as Error & { data: AckError };
      refusal.data = ackErrorOf(error);
      next(refusal);
    }
  });

  // The pod's logger, not a child per socket: log lines name the user and socket themselves,
  // and idle sockets are what a gateway holds most of (memory per connection is a target).
  const kit = { metrics, logger, inFlight: deps.inFlight };
  const events = new EventTable(kit);
  roomEvents(events, deps.chat);
  messageEvents(events, kit, deps.chat, io);
  messageChangeEvents(events, deps.chat, io);
  presenceEvents(events, deps.chat);
  typingEvents(events, deps.chat, io);
  receiptEvents(events, deps.chat, io);
  sessionEvents(events, deps.auth);

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    const ctx: HandlerContext = { socket, userId };
    metrics.connectedSockets.inc();
    const { tokenId } = socket.data;
    void socket.join([userChannel(userId), ...socket.data.roomIds.map(roomChannel), ...(tokenId ? [tokenChannel(tokenId)] : [])]);
    events.attach(ctx);
    socket.emit('connected', { socketId: socket.id, userId, message: 'Connected to CampZone Chat' });
    trackPresence(io, deps, socket.data, logger);
    socket.on('disconnect', () => {
      metrics.connectedSockets.dec();
      stopTypingOf(ctx, deps.chat, io, logger);
      deps.chat.presence.disconnected(userId).then(
        (offline) => offline && announcePresence(io, socket.data.roomIds, userId, 'user_left'),
        (err: unknown) => logger.warn({ err, userId, socketId: socket.id }, 'presence disconnect failed'),
      );
    });
  });
  return io;
}

function clientAddress(handshake: { address: string; headers: IncomingMessage['headers'] }, trustProxy: boolean): string {
  const forwarded = trustProxy ? handshake.headers['x-forwarded-for'] : undefined;
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || handshake.address;
}

function admitToPod(admission: ConnectAdmission, metrics: GatewayMetrics): void {
  const decision = admission.admit();
  if (decision.admitted) return;
  metrics.rateLimited.inc({ limit: 'pod_connect' });
  throw new ChatError(
    ErrorCode.RATE_LIMITED,
    `this gateway is admitting connections at its rate limit; retry in ${decision.retryAfterMs} ms`,
    decision.retryAfterMs,
  );
}

async function checkConnectRate(deps: SocketServerDeps, ip: string): Promise<void> {
  const { CONNECT_RATE_LIMIT, CONNECT_RATE_WINDOW_MS } = deps.config;
  const decision = await deps.limiter.hit('conn', ip, CONNECT_RATE_LIMIT, CONNECT_RATE_WINDOW_MS);
  if (decision.allowed) return;
  deps.metrics.rateLimited.inc({ limit: 'connect' });
  throw new ChatError(
    ErrorCode.RATE_LIMITED,
    `too many connections from this address; retry in ${decision.retryAfterMs} ms`,
    decision.retryAfterMs,
  );
}

/** One user's sockets across every pod are capped (a runaway script or tab storm is one user's problem). */
async function checkSocketsPerUser(deps: SocketServerDeps, userId: string): Promise<void> {
  const limit = deps.config.MAX_SOCKETS_PER_USER;
  if ((await deps.chat.presence.socketsOf(userId)) < limit) return;
  deps.metrics.rateLimited.inc({ limit: 'sockets_per_user' });
  throw new ChatError(ErrorCode.RATE_LIMITED, `too many open connections for this user (at most ${limit}); close one first`);
}

function trackPresence(io: ChatServer, deps: SocketServerDeps, data: SocketData, logger: Logger): void {
  deps.chat.presence.connected(data.userId, data.username).then(
    (cameOnline) => cameOnline && announcePresence(io, data.roomIds, data.userId, 'user_joined'),
    (err: unknown) => logger.warn({ err, userId: data.userId }, 'presence connect failed'),
  );
}

/** A user's first socket anywhere, or their last one closing, is news to their rooms. */
function announcePresence(io: ChatServer, roomIds: string[], userId: string, event: 'user_joined' | 'user_left'): void {
  const timestamp = new Date().toISOString();
  for (const roomId of roomIds) io.to(roomChannel(roomId)).emit(event, { roomId, userId, timestamp });
}

/**
 * Browsers send Origin on the WebSocket upgrade and CORS does not apply to it, so the
 * allowlist is enforced here. No Origin (native and Node clients) is allowed; with an empty
 * allowlist only same-origin pages (the bundled web client) may connect.
 */
function originAllowed(req: IncomingMessage, allowlist: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowlist.includes('*') || allowlist.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
