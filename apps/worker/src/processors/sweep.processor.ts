import { JobName, payloadParser, QueueName, SweepJobSchema } from '@campzone/queue';
import type { QueueLogRepository } from '@campzone/store';
import type { Job } from 'bullmq';
import type { WorkerMetrics } from '../observability/metrics';
import type { JobRun } from './job-run';

const parser = payloadParser(SweepJobSchema, `${QueueName.maintenance}/${JobName.sweep}`);

export interface SweepDeps {
  queueLog: Pick<QueueLogRepository, 'failOverdue' | 'deleteFinishedBefore'>;
  /** QUEUE_LOG_STALE_MS: a live entry this far past its nextRetryAt has lost its job. */
  staleMs: number;
  /** QUEUE_LOG_RETENTION_HOURS; 0 keeps finished entries forever. */
  retentionHours: number;
  metrics: WorkerMetrics;
}

/**
 * What is left to sweep once typing and presence lapse in the gateways themselves: queue-log
 * entries whose job was lost (Redis lost it, or it failed for good) become FAILED with that
 * reason rather than staying PENDING forever, and finished entries past retention are
 * deleted. BullMQ trims its own finished jobs (removeOnComplete / removeOnFail), and
 * idempotency keys expire in Redis by TTL, so neither needs a sweep.
 */
export function sweepProcessor(deps: SweepDeps) {
  return async (job: Job, run: JobRun) => {
    parser.parse(job.data);
    const now = Date.now();
    const lost = await deps.queueLog.failOverdue(
      new Date(now - deps.staleMs),
      `delivery tracking lost: no check ran within ${deps.staleMs} ms after nextRetryAt`,
      new Date(now),
    );
    deps.metrics.deliveryOutcomes.inc({ outcome: 'lost' }, lost);
    const deleted = deps.retentionHours > 0 ? await deps.queueLog.deleteFinishedBefore(new Date(now - deps.retentionHours * 3_600_000)) : 0;
    if (lost > 0) run.logger.warn({ lost }, 'queue-log entries without a job marked FAILED');
    return { lost, deleted };
  };
}
