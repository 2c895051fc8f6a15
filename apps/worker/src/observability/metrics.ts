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
      help: 'Queue-log entries that reached a final state (delivered, failed, lost)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    statusChanges: new Counter({
      name: 'campzone_worker_message_status_changes_total',
      help: 'Messages whose status a rollup raised, by new status (a rising floor counts every seq it passes)',
      labelNames: ['status'],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'campzone_worker_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
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
