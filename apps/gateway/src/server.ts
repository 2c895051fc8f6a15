import type { GatewayConfig } from '@campzone/config';
import { type ObjectStore, openObjectStore } from '@campzone/objects';
import type { AttachmentJobs, QueueProducers } from '@campzone/queue';
import {
  DeliveryCursors,
  FAILOVER_FOLLOWED,
  LuaRunner,
  MessageCounters,
  MessageLocks,
  Presence,
  pingRedis,
  RateLimiter,
  type RedisConnection,
  RedisKeys,
  RosterVersions,
  TokenRevocations,
  TypingState,
} from '@campzone/realtime';
import { createStore, MessageWriter, openContentCodec } from '@campzone/store';
import swagger from '@fastify/swagger';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { Authenticator } from './auth/authenticator';
import { TokenVerifier } from './auth/token-verifier';
import { AttachmentService } from './chat/attachment.service';
import { BlocksService } from './chat/blocks.service';
import type { ChatServices } from './chat/chat-services';
import { DeliveryAckService } from './chat/delivery-ack.service';
import { HistoryService } from './chat/history.service';
import { IncomingHooksService } from './chat/incoming-hooks.service';
import { MembershipService } from './chat/membership.service';
import { MentionResolver } from './chat/mention.resolver';
import { MessageChangeService } from './chat/message-change.service';
import { NotificationsService } from './chat/notifications.service';
import { PostingRules } from './chat/posting-rules';
import { PresenceService } from './chat/presence.service';
import { ReceiptService } from './chat/receipt.service';
import { ReportsService } from './chat/reports.service';
import { RoomService } from './chat/room.service';
import { RoomMembersService } from './chat/room-members.service';
import { RoomRulesCache } from './chat/room-settings.cache';
import { SendMessageService } from './chat/send-message.service';
import { WebhookEvents } from './chat/webhook-events';
import { WebhooksService } from './chat/webhooks.service';
import { openApiOptions } from './docs/openapi-options';
import { adminRoutes } from './http/admin.routes';
import { apiDocsRoutes } from './http/api-docs.routes';
import { attachmentRoutes } from './http/attachments.routes';
import { devTokenRoutes } from './http/dev-token.routes';
import { registerErrorHandler } from './http/error-handler';
import { healthRoutes } from './http/health.routes';
import { hookAdminRoutes, hookPostRoutes } from './http/hooks.routes';
import { moderationRoutes } from './http/moderation.routes';
import { notificationRoutes } from './http/notifications.routes';
import { roomRoutes } from './http/rooms.routes';
import { userRoutes } from './http/user.routes';
import { webClientRoutes } from './http/web-client.routes';
import { webhookRoutes } from './http/webhooks.routes';
import { startBackgroundLoops } from './lifecycle/background-loops';
import { disconnectGradually } from './lifecycle/gradual-disconnect';
import { InFlight } from './lifecycle/in-flight';
import { startTokenExpiry } from './lifecycle/token-expiry';
import { createGatewayMetrics, type GatewayMetrics } from './observability/metrics';
import { instrumentAdminUi } from './socket/admin-ui';
import { createClusterSync } from './socket/cluster-sync';
import { createSocketServer } from './socket/socket-server';
import type { ChatServer } from './socket/socket-types';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  /** `command` runs scripts and checks; `pub`/`sub` belong to the Socket.IO adapter. */
  redis: { command: RedisConnection; pub: RedisConnection; sub: RedisConnection };
  db: Db;
  /** Delivery tracking and status rollups, enqueued for the worker (main.ts creates them; tests may leave them out). */
  queues?: QueueProducers;
  /** The attachments queue (processing and purges); without it uploads are refused UNAVAILABLE. */
  attachmentJobs?: AttachmentJobs;
  /** Where attachment bytes live; default: the store config.attachmentStore names. */
  objects?: ObjectStore;
}

export interface Gateway {
  app: FastifyInstance;
  io: ChatServer;
  metrics: GatewayMetrics;
  /** Refuses new work, lets in-flight sends finish and be acked, then closes every socket. */
  drain(): Promise<void>;
}

/** Builds Fastify + Socket.IO from explicit dependencies; does not listen (tests use port 0). */
export async function buildGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config, logger, db } = deps;
  const metrics = createGatewayMetrics();
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const roster = new RosterVersions(keys, deps.redis.command);
  const store = createStore(db, { rosterChanged: (roomId) => roster.changed(roomId) });
  const lua = LuaRunner.for(deps.redis.command);
  await lua.loadAll();
  const writer = new MessageWriter(store.collections.messages, {
    maxBatch: config.WRITE_BATCH_MAX,
    windowMs: config.WRITE_BATCH_WINDOW_MS,
    windowMinRate: config.WRITE_BATCH_WINDOW_MIN_RATE,
    maxInFlight: config.WRITE_BATCH_CONCURRENCY,
    maxPending: config.WRITE_QUEUE_MAX,
    onBatch: ({ size, durationMs }) => {
      metrics.batchSize.observe(size);
      metrics.batchSeconds.observe(durationMs / 1000);
    },
  });
  const { codec, keyring } = await openContentCodec(store.collections.encryptionKeys, config.masterKey);
  const membership = new MembershipService(store.participants);
  const limiter = new RateLimiter(lua, keys);
  // Rollups of message status (DELIVERED/READ) belong to the worker; see its queue producer.
  const cursorsMoved = (roomId: string) => deps.queues?.requestRollup(roomId);
  const counters = new MessageCounters(lua, keys);
  deps.redis.command.on(FAILOVER_FOLLOWED, () => counters.markFailover());
  const mentions = new MentionResolver(store.participants);
  const roomRules = new RoomRulesCache(store.rooms);
  const events = new WebhookEvents({
    outbox: store.webhookOutbox,
    webhooks: store.webhooks,
    nudge: () => deps.queues?.requestWebhookDispatch(),
  });
  const rules = new PostingRules({ membership, rules: roomRules, blocks: store.blocks, participants: store.participants, limiter });
  const attachments = new AttachmentService({
    rules,
    membership,
    attachments: store.attachments,
    objects: deps.objects ?? openObjectStore(config.attachmentStore),
    jobs: deps.attachmentJobs,
    maxBytes: config.ATTACHMENT_MAX_BYTES,
    allowedTypes: config.ATTACHMENT_ALLOWED_TYPES,
    logger: logger.child({ component: 'attachments' }),
  });
  const chat: ChatServices = {
    queues: deps.queues,
    membership,
    roomRules,
    rules,
    rooms: new RoomService(store.rooms, store.participants, store.messages, membership, store.blocks, store.audit, events, counters),
    members: new RoomMembersService({
      membership,
      rooms: store.rooms,
      participants: store.participants,
      bans: store.bans,
      audit: store.audit,
      events,
      users: store.users,
    }),
    reports: new ReportsService(membership, store.reports, store.messageChanges, store.audit),
    blocks: new BlocksService(store.blocks),
    notifications: new NotificationsService(
      { subscriptions: store.pushSubscriptions, participants: store.participants, rooms: store.rooms },
      {
        vapidPublicKey: config.VAPID_PUBLIC_KEY,
        endpointHosts: config.PUSH_ENDPOINT_HOSTS,
        allowInsecure: config.PUSH_ALLOW_INSECURE_ENDPOINTS,
      },
    ),
    history: new HistoryService(store.messages, store.statusFloors, codec, counters),
    send: new SendMessageService({
      rules,
      counters,
      messages: store.messages,
      changes: store.messageChanges,
      mentions,
      attachments,
      floors: store.statusFloors,
      writer,
      codec,
      maxContentLength: config.MAX_CONTENT_LENGTH,
      limiter,
      rateLimit: { messages: config.MESSAGE_RATE_LIMIT, windowMs: config.MESSAGE_RATE_WINDOW_MS },
      onRateLimited: () => metrics.rateLimited.inc({ limit: 'message' }),
      logger: logger.child({ component: 'send' }),
      sendTimeoutMs: config.SEND_TIMEOUT_MS,
      events,
      timeLua: (script, call) => {
        const end = metrics.luaSeconds.startTimer({ script });
        return call().finally(end);
      },
    }),
    changes: new MessageChangeService({
      rules,
      audit: store.audit,
      counters,
      locks: new MessageLocks(lua, keys),
      messages: store.messages,
      changes: store.messageChanges,
      mentions,
      codec,
      maxContentLength: config.MAX_CONTENT_LENGTH,
      editWindowMs: config.MESSAGE_EDIT_WINDOW_MS,
      attachments,
      logger: logger.child({ component: 'message-changes' }),
      events,
    }),
    presence: new PresenceService(
      new Presence(lua, keys, deps.redis.command),
      store.users,
      store.participants,
      config.POD_NAME,
      config.PRESENCE_LEASE_MS,
      logger,
    ),
    typing: new TypingState(lua, keys, config.TYPING_TTL_MS),
    receipts: new ReceiptService(store.messages, store.receipts, store.participants, cursorsMoved),
    deliveryAcks: new DeliveryAckService(
      new DeliveryCursors(lua, keys, deps.redis.command),
      store.participants,
      cursorsMoved,
      logger,
      config.CURSOR_FLUSH_MS,
      { counters, messages: store.messages },
    ),
    attachments,
  };
  const verifier = new TokenVerifier(config.jwt);
  const revocations = new TokenRevocations(deps.redis.command, keys);
  const auth = new Authenticator(verifier, revocations);
  const inFlight = new InFlight();

  const fastifyLogger: FastifyBaseLogger = logger;
  // Per-request log lines would dwarf the chat traffic; errors are logged by the error handler.
  const app = Fastify({
    loggerInstance: fastifyLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', null);
  // TypeBox checks bodies strictly (Fastify's default Ajv would coerce 'x' into ['x'] or 1
  // into '1'); query strings and params are still converted from their string form.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // Replies are serialized as they always were: each handler's return type is already checked
  // against its response schema at compile time (the TypeBox type provider), and fast-json-
  // stringify would silently drop any field a schema forgot. The schemas feed the OpenAPI document.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerErrorHandler(app);
  // Before any route: it collects every route registered after it into the OpenAPI document.
  if (config.apiDocs) await app.register(swagger, openApiOptions);
  await app.register(healthRoutes, {
    draining: () => inFlight.isClosed,
    registry: metrics.registry,
    checks: { redis: () => pingRedis(deps.redis.command), mongodb: () => db.command({ ping: 1 }) },
  });
  const io = createSocketServer(app.server, {
    config,
    logger,
    metrics,
    auth,
    chat,
    inFlight,
    limiter,
    redis: deps.redis,
    adapterKey: keys.socketIoChannel(),
    accepting: () => !inFlight.isClosed,
  });
  const stopAdminUi = instrumentAdminUi(io, config, logger);
  const sync = createClusterSync(io, chat, logger);
  const tokenExpiry = startTokenExpiry(io, config.TOKEN_EXPIRY_WARNING_MS);
  await app.register(roomRoutes, { chat, auth, io: () => io, sync: () => sync, keyring });
  await app.register(moderationRoutes, { chat, auth, io: () => io, sync: () => sync });
  await app.register(adminRoutes, { auth, revocations, io: () => io });
  await app.register(userRoutes, { chat, auth });
  await app.register(notificationRoutes, { chat, auth });
  await app.register(attachmentRoutes, { attachments, auth, maxBytes: config.ATTACHMENT_MAX_BYTES });
  await app.register(webhookRoutes, {
    auth,
    webhooks: new WebhooksService({
      webhooks: store.webhooks,
      deliveries: store.webhookDeliveries,
      events,
      allowedHosts: config.WEBHOOK_ALLOWED_HOSTS,
    }),
  });
  const hooks = new IncomingHooksService({
    hooks: store.incomingHooks,
    rooms: store.rooms,
    participants: store.participants,
    users: store.users,
    membership,
    send: chat.send,
    events,
  });
  const hookOptions = { hooks, chat, auth, metrics, io: () => io };
  await app.register(hookAdminRoutes, hookOptions);
  await app.register(hookPostRoutes, hookOptions);
  if (config.AUTH_DEV_TOKENS) {
    await app.register(devTokenRoutes, { verifier, ttlSeconds: config.DEV_TOKEN_TTL_S, production: config.NODE_ENV === 'production' });
  }
  if (config.SERVE_WEB_CLIENT) await app.register(webClientRoutes);
  if (config.apiDocs) await app.register(apiDocsRoutes);
  await app.ready();
  const loops = await startBackgroundLoops(io, chat, logger, { leaseMs: config.PRESENCE_LEASE_MS, typingTtlMs: config.TYPING_TTL_MS });

  return {
    app,
    io,
    metrics,
    async drain() {
      if (inFlight.isClosed) return;
      inFlight.close();
      logger.info({ inFlight: inFlight.size }, 'draining: refusing new work');
      const drained = await inFlight.idle(config.SHUTDOWN_TIMEOUT_MS);
      if (!drained) logger.warn({ inFlight: inFlight.size }, 'drain timed out with work in flight');
      tokenExpiry.stop();
      await writer.flush();
      // Local only, and spread out: every client of this pod reconnects to the others.
      await disconnectGradually(io, config.DRAIN_DISCONNECT_MS);
      await Promise.allSettled([loops.stop(), chat.deliveryAcks.stop(), chat.presence.stop()]);
      stopAdminUi();
      await app.close();
      io.close();
    },
  };
}
