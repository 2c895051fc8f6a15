import {
  checkJobOptions,
  type DeliveryQueue,
  JobName,
  MAX_MESSAGES_PER_JOB,
  payloadParser,
  QueueName,
  SweepJobSchema,
  type TrackedMessage,
} from '@campzone/queue';
import type { QueueLogRepository } from '@campzone/store';
import type { Job } from 'bullmq';
import type { DeliverySchedule } from '../delivery/delivery-schedule';
import { findLostTracking, type LostTrackingDeps } from '../delivery/lost-tracking';
import type { WorkerMetrics } from '../observability/metrics';
import type { JobRun } from './job-run';

const parser = payloadParser(SweepJobSchema, `${QueueName.maintenance}/${JobName.sweep}`);

/** Messages one sweep looks at for lost tracking; the rest wait for the next sweep. */
const SCAN_LIMIT = 20_000;

export interface SweepDeps extends LostTrackingDeps {
  queueLog: Pick<QueueLogRepository, 'failOverdue' | 'deleteFinishedBefore' | 'findInRoom'>;
  delivery: Pick<DeliveryQueue, 'add'>;
  schedule: DeliverySchedule;
  /**
   * QUEUE_LOG_STALE_MS: a live entry this far past its nextRetryAt has lost its job, and a
   * worker's first sweep looks this far back for messages whose job was lost.
   */
  staleMs: number;
  /** QUEUE_LOG_RETENTION_HOURS; 0 keeps finished entries forever. */
  retentionHours: number;
  metrics: WorkerMetrics;
}

/**
 * What is left to sweep once typing and presence lapse in the gateways themselves:
 * - messages whose tracking job was lost before it opened an entry (only re-sent messages have
 *   one): those created since this worker's last sweep, past the whole retry schedule, above
 *   their room's DELIVERED floor, without an entry and not acked by an online member get a
 *   first check again, which re-sends them and opens their entries;
 * - entries whose job was lost after it opened them become FAILED with that reason rather than
 *   staying RETRY forever;
 * - finished entries past retention are deleted.
 * BullMQ trims its own finished jobs (removeOnComplete / removeOnFail), and idempotency keys
 * expire in Redis by TTL, so neither needs a sweep.
 */
export function sweepProcessor(deps: SweepDeps) {
  /**
   * Where this worker's last look for lost tracking ended. Kept in memory: a fresh worker (after
   * a crash, or with Redis lost and restarted) looks back staleMs, and two workers sweeping in
   * turn each cover from their own last sweep, so together they miss nothing.
   */
  let scannedUntil: Date | undefined;
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

    const until = new Date(now - deps.schedule.trackedForMs);
    const from = scannedUntil ?? new Date(now - deps.staleMs);
    let rearmed = 0;
    if (from < until) {
      const scan = await findLostTracking(deps, from, until, SCAN_LIMIT);
      rearmed = await rearm(deps, job, scan.lost);
      scannedUntil = scan.scannedUntil;
    }
    if (rearmed > 0) run.logger.warn({ rearmed }, 'messages whose delivery tracking was lost: checked again');
    return { lost, deleted, rearmed };
  };
}

/** A first check at once for each chunk; ids fixed by the sweep job, so a re-run adds nothing. */
async function rearm(deps: SweepDeps, job: Job, messages: TrackedMessage[]): Promise<number> {
  for (let i = 0; i < messages.length; i += MAX_MESSAGES_PER_JOB) {
    const batchId = `sweep-${job.timestamp}-${i / MAX_MESSAGES_PER_JOB}`;
    await deps.delivery.add(
      JobName.deliveryCheck,
      { batchId, attempt: 1, maxRetries: deps.schedule.maxRetries, messages: messages.slice(i, i + MAX_MESSAGES_PER_JOB) },
      checkJobOptions(batchId, 1, 0),
    );
  }
  deps.metrics.deliveryRearmed.inc(messages.length);
  return messages.length;
}
