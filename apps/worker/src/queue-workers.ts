import type { WorkerConfig } from '@campzone/config';
import { connectionOptions, type JobName, type QueueConnection } from '@campzone/queue';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerMetrics } from './observability/metrics';
import { type JobProcessor, jobRun } from './processors/job-run';
import type { QueueBinding } from './worker-init.config';

/** What the Workers are made from: the worker's settings, its logger and BullMQ's connection. */
export interface QueueWorkerDeps {
  config: WorkerConfig;
  logger: Logger;
  bullConnection: QueueConnection;
}

/**
 * The process's BullMQ Workers, one per queue. After a Redis failover they are replaced by new
 * ones: in about one failover in four on a Redis Cluster, a Worker of BullMQ 5.81 never took
 * another job (its blocking connection stuck on the promoted master; its own watchdog and a
 * forced reconnect did not free it), and recreating the Worker is the maintainer's advice
 * (taskforcesh/bullmq#3088, #3185). The old ones finish their running jobs while the new ones
 * take new jobs.
 */
export class QueueWorkers {
  private current: Worker[] = [];
  private readonly retiring = new Set<Promise<void>>();
  private running = false;

  constructor(
    private readonly bindings: readonly QueueBinding[],
    private readonly deps: QueueWorkerDeps,
    private readonly prefix: string,
    private readonly metrics: WorkerMetrics,
  ) {}

  /** Starts one Worker per queue; resolves when all are connected. */
  async start(): Promise<void> {
    this.running = true;
    this.current = this.bindings.map((binding) => this.create(binding));
    await Promise.all(this.current.map((worker) => worker.waitUntilReady()));
  }

  /** New Workers take over; the old ones close once their running jobs end (or hand them back). */
  renew(): void {
    if (!this.running) return;
    const old = this.current;
    this.current = this.bindings.map((binding) => this.create(binding));
    this.deps.logger.info({ queues: this.current.length }, 'queue workers recreated after a redis failover');
    for (const worker of old) {
      const retired = this.retire(worker).finally(() => this.retiring.delete(retired));
      this.retiring.add(retired);
    }
  }

  /** Stops taking jobs; running ones get `graceMs`, then are handed back to the queue. */
  async close(graceMs: number): Promise<void> {
    this.running = false;
    const workers = this.current;
    const closed = Promise.all([...workers.map((w) => w.close()), ...this.retiring]);
    if (!(await settlesWithin(closed, graceMs))) {
      this.deps.logger.warn('shutdown grace over: handing running jobs back to the queue');
      for (const worker of workers) worker.cancelAllJobs('worker shutting down');
      if (!(await settlesWithin(closed, 2000))) {
        // Jobs between checkpoints: their locks lapse and another worker's stall check takes them.
        await Promise.all(workers.map((w) => w.close(true)));
      }
    }
  }

  private async retire(worker: Worker): Promise<void> {
    const { config, logger } = this.deps;
    const closed = worker.close();
    if (await settlesWithin(closed, config.SHUTDOWN_TIMEOUT_MS)) return;
    // Its jobs' locks lapse and a new Worker's stall check takes them again.
    worker.cancelAllJobs('replaced after a redis failover');
    if (!(await settlesWithin(closed, 2000)))
      logger.warn({ queue: worker.name }, 'a replaced queue worker did not close; left to the stall checks');
  }

  private create(binding: QueueBinding): Worker {
    const worker = createQueueWorker(binding, this.deps, this.prefix, this.metrics);
    worker.run().catch((err: unknown) => this.deps.logger.error({ err, queue: worker.name }, 'worker stopped with an error'));
    return worker;
  }
}

/** A BullMQ Worker for one queue: dispatches by job name, logs and measures every run. */
function createQueueWorker(binding: QueueBinding, deps: QueueWorkerDeps, prefix: string, metrics: WorkerMetrics): Worker {
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
