import type { MongoCommandSink } from '@campzone/store';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Job states reported as queue depth. */
export const DEPTH_STATES = ['wait', 'active', 'delayed', 'prioritized', 'failed'] as const;

/**
 * Every worker metric, named with the app prefix and base units. Labels are bounded sets
 * (queue, job name, outcome, status); never a user or room id.
 */
export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'campzone_worker_' });
  return {
    registry,
    jobs: new Counter({
      name: 'campzone_worker_jobs_total',
      help: 'Jobs finished by this worker, by queue, job name and outcome (completed, failed, handed_back)',
      labelNames: ['queue', 'name', 'outcome'],
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: 'campzone_worker_job_duration_seconds',
      help: 'Time a job ran in this worker, by queue and job name',
      labelNames: ['queue', 'name'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    invalidPayloads: new Counter({
      name: 'campzone_worker_invalid_payloads_total',
      help: 'Jobs failed without retry because their payload broke the schema',
      labelNames: ['queue'],
      registers: [registry],
    }),
    stalled: new Counter({
      name: 'campzone_worker_stalled_jobs_total',
      help: 'Jobs whose worker stopped renewing the lock, handed back to the queue',
      labelNames: ['queue'],
      registers: [registry],
    }),
    deliveryRetries: new Counter({
      name: 'campzone_worker_delivery_retries_total',
      help: 'Messages re-sent to online members who had not acked them',
      registers: [registry],
    }),
    deliveryOutcomes: new Counter({
      name: 'campzone_worker_delivery_outcomes_total',
      help: 'Tracked messages that reached a final state: delivered (at the first check, or an entry after re-sends), failed, lost (an entry whose job was lost)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    deliveryRearmed: new Counter({
      name: 'campzone_worker_delivery_rearmed_total',
      help: 'Messages whose delivery tracking was lost (no entry, not acked by an online member), found by the sweep and checked again',
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: 'campzone_worker_webhook_attempts_total',
      help: 'Outgoing webhook delivery attempts by outcome (delivered, retry, failed, refused)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    statusChanges: new Counter({
      name: 'campzone_worker_message_status_changes_total',
      help: 'Messages whose status a rollup raised, by new status (a rising floor counts every seq it passes)',
      labelNames: ['status'],
      registers: [registry],
    }),
    storeWrites: new Counter({
      name: 'campzone_worker_store_writes_total',
      help: 'Documents this pod wrote to MongoDB (inserted documents, update and delete statements), by collection and op; counted only with MONGO_COMMAND_CHECKS=true',
      labelNames: ['collection', 'op'],
      registers: [registry],
    }),
    storeReads: new Counter({
      name: 'campzone_worker_store_reads_total',
      help: 'Read commands this pod sent to MongoDB (find, aggregate, count, distinct, getMore: one per round trip), by collection and command; counted only with MONGO_COMMAND_CHECKS=true',
      labelNames: ['collection', 'command'],
      registers: [registry],
    }),
    roomFilterViolations: new Counter({
      name: 'campzone_worker_room_filter_violations_total',
      help: 'Room-data commands whose filter lacked roomId (each would reach every shard); checked only with MONGO_COMMAND_CHECKS=true',
      labelNames: ['collection', 'command'],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'campzone_worker_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers: [registry],
    }),
    pushes: new Counter({
      name: 'campzone_worker_pushes_total',
      help: 'Web Push requests to push services, by outcome (sent, gone, retry, rejected)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    notifySkipped: new Counter({
      name: 'campzone_worker_notify_skipped_total',
      help: 'Due notifications not pushed, by reason (online, level_none, no_subscription, nothing_new, not_member)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    mongoCommandSeconds: new Histogram({
      name: 'campzone_worker_mongo_command_seconds',
      help: 'MongoDB command round trips seen by the driver, by command name and outcome',
      labelNames: ['command', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    mongoWrittenDocuments: new Counter({
      name: 'campzone_worker_mongo_written_documents_total',
      help: 'Documents sent to MongoDB in insert, update and delete commands (an update counts its statements)',
      labelNames: ['command'],
      registers: [registry],
    }),
    mongoWrittenBytes: new Counter({
      name: 'campzone_worker_mongo_written_bytes_total',
      help: 'BSON bytes of the documents and statements sent in insert, update and delete commands',
      labelNames: ['command'],
      registers: [registry],
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Driver command events into this app's MongoDB metrics (see observeMongoCommands in the store). */
export function mongoCommandSink(metrics: WorkerMetrics): MongoCommandSink {
  return {
    command: (command, seconds, ok) => metrics.mongoCommandSeconds.observe({ command, outcome: ok ? 'ok' : 'failed' }, seconds),
    written: (command, documents, bytes) => {
      metrics.mongoWrittenDocuments.inc({ command }, documents);
      metrics.mongoWrittenBytes.inc({ command }, bytes);
    },
  };
}
