import { checkJobOptions, type DeliveryQueue, DeliveryTrackJobSchema, JobName, payloadParser, QueueName } from '@campzone/queue';
import type { QueueLogRepository } from '@campzone/store';
import type { Job } from 'bullmq';
import type { DeliverySchedule } from '../delivery/delivery-schedule';
import type { JobRun } from './job-run';

const parser = payloadParser(DeliveryTrackJobSchema, `${QueueName.delivery}/${JobName.deliveryTrack}`);

export interface DeliveryTrackDeps {
  queueLog: Pick<QueueLogRepository, 'insertPending'>;
  delivery: Pick<DeliveryQueue, 'add'>;
  schedule: DeliverySchedule;
}

/**
 * `track`: a batch of just-stored messages. Opens their queue-log entries (PENDING, in one
 * insertMany) and schedules the batch's first check. Both steps are idempotent: existing
 * entries are kept, and the check's job id is fixed by batch and attempt.
 */
export function deliveryTrackProcessor(deps: DeliveryTrackDeps) {
  return async (job: Job, run: JobRun) => {
    const { batchId, messages } = parser.parse(job.data);
    const now = Date.now();
    const delay = deps.schedule.delayBefore(1);
    const opened = await deps.queueLog.insertPending(messages, deps.schedule.maxRetries, new Date(now + delay), new Date(now));
    await run.handBackIfStopping();
    await deps.delivery.add(
      JobName.deliveryCheck,
      { batchId, attempt: 1, maxRetries: deps.schedule.maxRetries, messages },
      checkJobOptions(batchId, 1, delay),
    );
    return { messages: messages.length, opened };
  };
}
