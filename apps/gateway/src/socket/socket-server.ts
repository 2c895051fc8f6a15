import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { GatewayConfig } from '@campzone/config';
import { roomChannel, userChannel } from '@campzone/protocol';
import type { RedisClient } from '@campzone/realtime';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { bearerOf, type TokenVerifier } from '../auth/token-verifier';
import type { ChatServices } from '../chat/chat-services';
import type { InFlight } from '../lifecycle/in-flight';
import type { GatewayMetrics } from '../observability/metrics';
import { asChatError, type HandlerKit } from './handler-kit';
import { registerMessageHandlers } from './message.handlers';
import { registerRoomHandlers } from './room.handlers';
import type { ChatServer } from './socket-types';

export interface SocketServerDeps {
  config: GatewayConfig;
  logger: Logger;
  metrics: GatewayMetrics;
  verifier: TokenVerifier;
  chat: ChatServices;
  inFlight: InFlight;
  redis: { pub: RedisClient; sub: RedisClient };
  adapterKey: string;
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

  // Authentication and the user's rooms are settled before `connection`, so handlers can
  // be registered synchronously and no early event is lost.
  io.use(async (socket, next) => {
    try {
      const token = socket.handshake.auth?.token ?? bearerOf(socket.handshake.headers.authorization);
      const principal = deps.verifier.verify(token);
      socket.data.userId = principal.userId;
      if (principal.username) socket.data.username = principal.username;
      socket.data.roomIds = await deps.chat.rooms.roomIdsOf(principal.userId);
      next();
    } catch (err) {
      const error = asChatError(err);
      const refusal = new Error(error.code) as Error & { data: { code: string; message: string } };
      refusal.data = { code: error.code, message: error.message };
      next(refusal);
    }
  });

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    const kit: HandlerKit = { metrics, logger: logger.child({ socketId: socket.id, userId }), inFlight: deps.inFlight };
    const ctx = { socket, userId };
    metrics.connectedSockets.inc();
    socket.on('disconnect', () => metrics.connectedSockets.dec());
    void socket.join([userChannel(userId), ...socket.data.roomIds.map(roomChannel)]);
    registerRoomHandlers(kit, ctx, deps.chat);
    registerMessageHandlers(kit, ctx, deps.chat, io);
    socket.emit('connected', { socketId: socket.id, userId, message: 'Connected to CampZone Chat' });
  });
  return io;
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
