import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerConfig } from '@campzone/config';
import { type ObjectStore, openObjectStore } from '@campzone/objects';
import {
  type ChatQueues,
  closeQueues,
  JobName,
  openQueues,
  type QueueConnection,
  SWEEP_SCHEDULER_ID,
  sweepJobTemplate,
  WEBHOOK_DISPATCH_SCHEDULER_ID,
  webhookDispatchJobOptions,
} from '@campzone/queue';
import {
  ClaimedPublisher,
  DeliveryCursors,
  FAILOVER_FOLLOWED,
  isCluster,
  LuaRunner,
  MessageCounters,
  MessageLocks,
  Presence,
  pingRedis,
  type RedisConnection,
  RedisKeys,
  RosterVersions,
} from '@campzone/realtime';
import { type ContentCodec, createStore } from '@campzone/store';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import { ClusterEmitter } from './delivery/cluster-emitter';
import { DeliverySchedule } from './delivery/delivery-schedule';
import { MemberCursorReader } from './delivery/member-cursors';
import { ResendClaims } from './delivery/resend-claims';
import { BULL_BOARD_PATH, bullBoardPlugin } from './http/bull-board.plugin';
import { healthRoutes } from './http/health.routes';
import { NotifyPlanner } from './notify/notify-planner';
import { PushSender } from './notify/push-sender';
import { createWorkerMetrics, DEPTH_STATES, type WorkerMetrics } from './observability/metrics';
import { attachmentProcessProcessor } from './processors/attachment-process.processor';
import { attachmentPurgeProcessor } from './processors/attachment-purge.processor';
import { deliveryRetryProcessor } from './processors/delivery-retry.processor';
import { deliveryTrackProcessor } from './processors/delivery-track.processor';
import { notifyProcessor } from './processors/notify.processor';
import { rollupProcessor } from './processors/rollup.processor';
import { sweepProcessor } from './processors/sweep.processor';
import { threadSummaryProcessor } from './processors/thread-summary.processor';
import { webhookDeliverProcessor } from './processors/webhook-deliver.processor';
import { webhookDispatchProcessor } from './processors/webhook-dispatch.processor';
import { QueueWorkers } from './queue-workers';
import { FailoverRollups } from './rollup/failover-rollups';
import { KnownFloors } from './rollup/known-floors';
import { queueBindings } from './worker-init.config';

/** Tries, a second apart, to upsert the schedules after a failover before leaving it to the next start. */
const RESCHEDULE_ATTEMPTS = 60;

export interface WorkerDeps {
  config: WorkerConfig;
  logger: Logger;
  /** node-redis (one Redis or a cluster): presence, cursors, claims, and the Socket.IO emitter's publishes. */
  redis: RedisConnection;
  db: Db;
  /** BullMQ's own connections (ioredis) are opened from this. */
  bullConnection: QueueConnection;
  /** Opens stored content (decrypts when encryption at rest is on). */
  codec: ContentCodec;
  /** Where attachment bytes live; default: the store config.attachmentStore names. */
  objects?: ObjectStore;
}

export interface WorkerApp {
  http: FastifyInstance;
  metrics: WorkerMetrics;
  queues: ChatQueues;
  /** Starts taking jobs and (re)installs the sweep schedule, again after every Redis failover it follows. */
  start(): Promise<void>;
  /** Stops taking jobs; lets running ones finish within SHUTDOWN_TIMEOUT_MS, hands the rest back. */
  drain(): Promise<void>;
}

/** Builds the queues' workers and the small HTTP server from explicit dependencies; listens on nothing. */
export async function buildWorker(deps: WorkerDeps): Promise<WorkerApp> {
  const { config, logger } = deps;
  const metrics = createWorkerMetrics();
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const roster = new RosterVersions(keys, deps.redis);
  const store = createStore(deps.db, { rosterChanged: (roomId) => roster.changed(roomId) });
  const lua = LuaRunner.for(deps.redis);
  await lua.loadAll();
  const bullPrefix = keys.bullPrefix(isCluster(deps.redis) ? 'cluster' : 'single');
  const queues = openQueues({ connection: deps.bullConnection, prefix: bullPrefix });
  for (const queue of Object.values(queues)) {
    queue.on('error', (err: Error) => logger.warn({ queue: queue.name, err: err.message }, 'queue connection error'));
  }
  // The gateways' adapter decides the channels and the command: PUBLISH (classic) or SPUBLISH (sharded).
  const mode = config.REDIS_ADAPTER;
  const claimed = new ClaimedPublisher(lua, mode);
  const redis = deps.redis;
  const emitter = new ClusterEmitter(
    {
      publish: (channel, message) => (mode === 'sharded' ? redis.sPublish(channel, message) : redis.publish(channel, message)),
      publishOnce: (...args) => claimed.publishOnce(...args),
    },
    keys.socketIoChannel(),
    mode,
  );
  const redisCursors = new DeliveryCursors(lua, keys, deps.redis);
  // Rollups, checks and sweeps share one copy of each room's rows, re-read when the gateways change them.
  const cursors = new MemberCursorReader(store.participants, redisCursors, { versions: roster });
  const schedule = new DeliverySchedule(config.DELIVERY_RETRY_DELAYS_MS, config.DELIVERY_ACK_TIMEOUT_MS);
  const presence = new Presence(lua, keys, deps.redis);
  const counters = new MessageCounters(lua, keys);
  deps.redis.on(FAILOVER_FOLLOWED, () => {
    counters.markFailover();
    cursors.forgetAll();
  });
  const vapid =
    config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY
      ? { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject: config.VAPID_SUBJECT }
      : undefined;
  if (!vapid) logger.info('web push is off (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY unset)');
  const notifyPlanner = vapid
    ? new NotifyPlanner({
        rooms: store.rooms,
        participants: store.participants,
        messages: store.messages,
        subscriptions: store.pushSubscriptions,
        notify: queues.notify,
        delayMs: config.NOTIFY_DELAY_MS,
      })
    : undefined;

  const objects = deps.objects ?? openObjectStore(config.attachmentStore);
  const bindings = queueBindings(
    {
      attachmentProcess: attachmentProcessProcessor({
        attachments: store.attachments,
        objects,
        emitter,
        ...(config.ATTACHMENT_SCAN_URL ? { scan: { url: config.ATTACHMENT_SCAN_URL, timeoutMs: config.ATTACHMENT_SCAN_TIMEOUT_MS } } : {}),
      }),
      attachmentPurge: attachmentPurgeProcessor({ attachments: store.attachments, objects }),
      track: deliveryTrackProcessor({ delivery: queues.delivery, schedule, ...(notifyPlanner ? { notify: notifyPlanner } : {}) }),
      check: deliveryRetryProcessor({
        cursors,
        presence,
        queueLog: store.queueLog,
        messages: store.messages,
        floors: store.statusFloors,
        codec: deps.codec,
        claims: new ResendClaims(emitter, keys),
        delivery: queues.delivery,
        schedule,
        metrics,
      }),
      rollup: rollupProcessor({
        cursors,
        messages: store.messages,
        floors: new KnownFloors(store.statusFloors),
        emitter,
        rollup: queues.rollup,
        rollupDelayMs: config.ROLLUP_DELAY_MS,
        metrics,
      }),
      threadSummary: threadSummaryProcessor({
        messages: store.messages,
        changes: store.messageChanges,
        counters,
        locks: new MessageLocks(lua, keys),
        emitter,
      }),
      notify: notifyProcessor({
        participants: store.participants,
        rooms: store.rooms,
        messages: store.messages,
        blocks: store.blocks,
        subscriptions: store.pushSubscriptions,
        presence,
        // Jobs queued while push was on, run after it was turned off: nothing to sign with.
        sender: vapid
          ? new PushSender(vapid, config.PUSH_TIMEOUT_MS)
          : { send: async () => ({ outcome: 'rejected' as const, error: 'web push is off' }) },
        includeContent: config.masterKey === undefined,
        metrics,
      }),
      sweep: sweepProcessor({
        queueLog: store.queueLog,
        messages: store.messages,
        floors: store.statusFloors,
        cursors,
        presence,
        delivery: queues.delivery,
        schedule,
        staleMs: config.QUEUE_LOG_STALE_MS,
        retentionHours: config.QUEUE_LOG_RETENTION_HOURS,
        metrics,
      }),
      webhookDispatch: webhookDispatchProcessor({
        outbox: store.webhookOutbox,
        webhooks: store.webhooks,
        changes: store.messageChanges,
        codec: deps.codec,
        queue: queues.webhooks,
        attempts: config.WEBHOOK_MAX_ATTEMPTS,
        backoffMs: config.WEBHOOK_BACKOFF_MS,
      }),
      webhookDeliver: webhookDeliverProcessor({
        webhooks: store.webhooks,
        log: store.webhookDeliveries,
        allowedHosts: config.WEBHOOK_ALLOWED_HOSTS,
        timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        logMax: config.WEBHOOK_DELIVERY_LOG_MAX,
        metrics,
      }),
    },
    config,
  );
  const workers = new QueueWorkers(bindings, deps, bullPrefix, metrics);

  let draining = false;
  const scheduleRecurring = async (): Promise<void> => {
    // Every worker upserts the same scheduler id: one schedule however many workers run.
    await queues.maintenance.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: config.SWEEP_INTERVAL_MS },
      { name: JobName.sweep, data: {}, opts: sweepJobTemplate },
    );
    // The safety net under the gateways' dispatch requests: events whose request was lost
    // (a gateway died right after its ack) are found at the next pass.
    const { deduplication: _, ...scheduled } = webhookDispatchJobOptions;
    await queues.webhooks.upsertJobScheduler(
      WEBHOOK_DISPATCH_SCHEDULER_ID,
      { every: config.WEBHOOK_DISPATCH_INTERVAL_MS },
      { name: JobName.webhookDispatch, data: {}, opts: scheduled },
    );
  };
  const failoverRollups = new FailoverRollups({
    messages: store.messages,
    rollup: queues.rollup,
    rollupDelayMs: config.ROLLUP_DELAY_MS,
    cursors,
    cursorCopyMs: config.CURSOR_FLUSH_MS,
    logger,
  });
  const rescheduleAfterFailover = async (followedAt: number): Promise<void> => {
    // BullMQ's own connection may still be finding the new master: try for about a minute.
    // Everything here is idempotent, so an attempt that failed half-way is simply repeated.
    for (let attempt = 1; !draining; attempt++) {
      try {
        await scheduleRecurring();
        logger.info({ attempt }, 'sweep and webhook schedules upserted after a redis failover');
        const rooms = await failoverRollups.run(followedAt);
        logger.info({ rooms }, 'rollups queued for the rooms active in the last minute, in case the failover lost theirs');
        return;
      } catch (err) {
        if (attempt >= RESCHEDULE_ATTEMPTS) {
          logger.error({ err, attempt }, 'could not upsert the schedules after a redis failover; the next worker start will');
          return;
        }
        logger.warn({ err, attempt }, 'upserting the schedules after a redis failover failed; retrying');
        await sleep(1000);
      }
    }
  };
  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  await http.register(healthRoutes, {
    draining: () => draining,
    registry: metrics.registry,
    beforeScrape: () => refreshDepth(queues, metrics),
    checks: { redis: () => pingRedis(deps.redis), mongodb: () => deps.db.command({ ping: 1 }) },
  });
  if (config.BULL_BOARD_ENABLED && config.BULL_BOARD_USER && config.BULL_BOARD_PASSWORD) {
    await http.register(bullBoardPlugin, {
      queues: Object.values(queues),
      user: config.BULL_BOARD_USER,
      password: config.BULL_BOARD_PASSWORD,
    });
    logger.info({ path: BULL_BOARD_PATH }, 'bull board enabled');
  }
  await http.ready();

  return {
    http,
    metrics,
    queues,
    async start() {
      await scheduleRecurring();
      // Replication is asynchronous: a promoted replica may lack the schedules' last writes (the
      // next sweep's job), and without a sweep nothing would catch the other jobs it lost.
      // Upserting is idempotent, so every worker does it after each failover it follows.
      deps.redis.on(FAILOVER_FOLLOWED, () => {
        if (draining) return;
        workers.renew();
        void rescheduleAfterFailover(Date.now());
      });
      await workers.start();
    },
    async drain() {
      if (draining) return;
      draining = true;
      failoverRollups.stop();
      logger.info({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'draining: no new jobs, letting running ones finish');
      await workers.close(config.SHUTDOWN_TIMEOUT_MS);
      await closeQueues(queues);
      await http.close();
    },
  };
}

async function refreshDepth(queues: ChatQueues, metrics: WorkerMetrics): Promise<void> {
  await Promise.all(
    Object.values(queues).map(async (queue) => {
      const counts = await queue.getJobCounts(...DEPTH_STATES);
      for (const state of DEPTH_STATES) metrics.queueDepth.set({ queue: queue.name, state }, counts[state] ?? 0);
    }),
  );
}
