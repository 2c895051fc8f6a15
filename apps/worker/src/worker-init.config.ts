import type { WorkerConfig } from '@campzone/config';
import { JobName, QueueName } from '@campzone/queue';
import type { JobProcessor } from './processors/job-run';

export interface Processors {
  track: JobProcessor;
  check: JobProcessor;
  rollup: JobProcessor;
  threadSummary: JobProcessor;
  sweep: JobProcessor;
  notify: JobProcessor;
  attachmentProcess: JobProcessor;
  attachmentPurge: JobProcessor;
  webhookDispatch: JobProcessor;
  webhookDeliver: JobProcessor;
}

/** One BullMQ Worker per queue: how many jobs it runs at once, and the processor of each job name. */
export interface QueueBinding {
  queue: QueueName;
  concurrency: number;
  processors: Partial<Record<JobName, JobProcessor>>;
}

/** Which processor runs which queue's jobs: the whole map of the worker in one place. */
export function queueBindings(processors: Processors, config: Pick<WorkerConfig, 'WORKER_CONCURRENCY'>): QueueBinding[] {
  return [
    {
      queue: QueueName.delivery,
      concurrency: config.WORKER_CONCURRENCY,
      processors: { [JobName.deliveryTrack]: processors.track, [JobName.deliveryCheck]: processors.check },
    },
    {
      queue: QueueName.rollup,
      concurrency: config.WORKER_CONCURRENCY,
      processors: { [JobName.rollup]: processors.rollup, [JobName.threadSummary]: processors.threadSummary },
    },
    // Image decoding is CPU-bound: a few at a time keep the worker's event loop answering.
    {
      queue: QueueName.attachments,
      concurrency: Math.min(4, config.WORKER_CONCURRENCY),
      processors: { [JobName.attachmentProcess]: processors.attachmentProcess, [JobName.attachmentPurge]: processors.attachmentPurge },
    },
    // Sweeps scan whole collections: one at a time is plenty.
    { queue: QueueName.maintenance, concurrency: 1, processors: { [JobName.sweep]: processors.sweep } },
    // Each job waits on push services over the network, not on this process.
    { queue: QueueName.notify, concurrency: config.WORKER_CONCURRENCY, processors: { [JobName.notify]: processors.notify } },
    // Deliveries wait on other sites' servers (up to WEBHOOK_TIMEOUT_MS each); dispatch is deduplicated to one at a time.
    {
      queue: QueueName.webhooks,
      concurrency: config.WORKER_CONCURRENCY,
      processors: { [JobName.webhookDispatch]: processors.webhookDispatch, [JobName.webhookDeliver]: processors.webhookDeliver },
    },
  ];
}
