import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerConfig } from '@campzone/config';
import { type ObjectStore, openObjectStore } from '@campzone/objects';
import {
  type ChatQueues,
  closeQueues,
  connectionOptions,
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
} from '@campzone/realtime';
import { type ContentCodec, createStore } from '@campzone/store';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
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
import { type JobProcessor, jobRun } from './processors/job-run';
import { notifyProcessor } from './processors/notify.processor';
import { rollupProcessor } from './processors/rollup.processor';
import { sweepProcessor } from './processors/sweep.processor';
import { threadSummaryProcessor } from './processors/thread-summary.processor';
import { webhookDeliverProcessor } from './processors/webhook-deliver.processor';
import { webhookDispatchProcessor } from './processors/webhook-dispatch.processor';
import { KnownFloors } from './rollup/known-floors';
import { type QueueBinding, queueBindings } from './worker-init.config';

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
  const store = createStore(deps.db);
  const keys = new RedisKeys(config.REDIS_PREFIX);
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
  const cursors = new MemberCursorReader(store.participants, redisCursors);
  // Checks come once per batch of every pod: they share a room's MongoDB rows for a second.
  const checkCursors = new MemberCursorReader(store.participants, redisCursors, 1000);
  const schedule = new DeliverySchedule(config.DELIVERY_RETRY_DELAYS_MS, config.DELIVERY_ACK_TIMEOUT_MS);
  const presence = new Presence(lua, keys, deps.redis);
  const counters = new MessageCounters(lua, keys);
  deps.redis.on(FAILOVER_FOLLOWED, () => counters.markFailover());
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
        cursors: checkCursors,
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
  const workers = bindings.map((binding) => createQueueWorker(binding, deps, bullPrefix, metrics));

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
  const rescheduleAfterFailover = async (): Promise<void> => {
    // BullMQ's own connection may still be finding the new master: try for about a minute.
    for (let attempt = 1; !draining; attempt++) {
      try {
        await scheduleRecurring();
        logger.info({ attempt }, 'sweep and webhook schedules upserted after a redis failover');
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
        if (!draining) void rescheduleAfterFailover();
      });
      for (const worker of workers) {
        worker.run().catch((err: unknown) => logger.error({ err, queue: worker.name }, 'worker stopped with an error'));
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
    },
    async drain() {
      if (draining) return;
      draining = true;
      logger.info({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'draining: no new jobs, letting running ones finish');
      const closed = Promise.all(workers.map((w) => w.close()));
      if (!(await settlesWithin(closed, config.SHUTDOWN_TIMEOUT_MS))) {
        logger.warn('shutdown grace over: handing running jobs back to the queue');
        for (const worker of workers) worker.cancelAllJobs('worker shutting down');
        if (!(await settlesWithin(closed, 2000))) {
          // Jobs between checkpoints: their locks lapse and another worker's stall check takes them.
          await Promise.all(workers.map((w) => w.close(true)));
        }
      }
      await closeQueues(queues);
      await http.close();
    },
  };
}

/** A BullMQ Worker for one queue: dispatches by job name, logs and measures every run. */
function createQueueWorker(binding: QueueBinding, deps: WorkerDeps, prefix: string, metrics: WorkerMetrics): Worker {
  const { config, logger } = deps;
  const queueLogger = logger.child({ queue: binding.queue });
  // Three parameters: BullMQ passes the abort signal only to processors that declare it.
  const process = async (job: Job, token?: string, signal?: AbortSignal) => {
    const jobLogger = queueLogger.child({ jobId: job.id, job: job.name, ...roomOf(job) });
    const processor: JobProcessor | undefined = binding.processors[job.name as JobName];
    const end = metrics.jobSeconds.startTimer({ queue: binding.queue, name: job.name });
    try {
      if (!processor) throw new UnrecoverableError(`no processor for job name "${job.name}" in queue ${binding.queue}`);
      const result = await processor(job, jobRun(job, token, signal, jobLogger));
      metrics.jobs.inc({ queue: binding.queue, name: job.name, outcome: 'completed' });
      jobLogger.debug({ result }, 'job done');
      return result;
    } catch (err) {
      if (err instanceof WaitingError) {
        metrics.jobs.inc({ queue: binding.queue, name: job.name, outcome: 'handed_back' });
        jobLogger.info('job handed back to the queue');
      } else {
        metrics.jobs.inc({ queue: binding.queue, name: job.name, outcome: 'failed' });
        if (err instanceof UnrecoverableError) {
          if (err.message.startsWith('invalid ')) metrics.invalidPayloads.inc({ queue: binding.queue });
          jobLogger.error({ reason: err.message }, 'job failed without retry');
        } else {
          jobLogger.warn({ err, attemptsMade: job.attemptsMade }, 'job failed; BullMQ retries it while attempts remain');
        }
      }
      throw err;
    } finally {
      end();
    }
  };
  const worker = new Worker(binding.queue, process, {
    connection: connectionOptions(deps.bullConnection),
    prefix,
    autorun: false,
    concurrency: binding.concurrency,
    lockDuration: config.WORKER_LOCK_DURATION_MS,
    stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: config.WORKER_MAX_STALLED_COUNT,
    name: config.POD_NAME,
  });
  worker.on('error', (err: Error) => queueLogger.warn({ err: err.message }, 'worker error'));
  worker.on('stalled', (jobId: string) => {
    metrics.stalled.inc({ queue: binding.queue });
    queueLogger.warn({ jobId }, 'job stalled (its worker stopped renewing the lock); handed back to the queue');
  });
  return worker;
}

function roomOf(job: Job): { roomId?: string } {
  const data: unknown = job.data;
  if (typeof data === 'object' && data !== null && 'roomId' in data && typeof data.roomId === 'string') return { roomId: data.roomId };
  return {};
}

async function refreshDepth(queues: ChatQueues, metrics: WorkerMetrics): Promise<void> {
  await Promise.all(
    Object.values(queues).map(async (queue) => {
      const counts = await queue.getJobCounts(...DEPTH_STATES);
      for (const state of DEPTH_STATES) metrics.queueDepth.set({ queue: queue.name, state }, counts[state] ?? 0);
    }),
  );
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
