import { checkJobOptions, type DeliveryQueue, DeliveryTrackJobSchema, JobName, payloadParser, QueueName } from '@campzone/queue';
import type { Job } from 'bullmq';
import type { DeliverySchedule } from '../delivery/delivery-schedule';

const parser = payloadParser(DeliveryTrackJobSchema, `${QueueName.delivery}/${JobName.deliveryTrack}`);

export interface DeliveryTrackDeps {
  delivery: Pick<DeliveryQueue, 'add'>;
  schedule: DeliverySchedule;
}

/**
 * `track`: a batch of just-stored messages. Schedules the batch's first check, with the delay of
 * the worker's retry schedule (the gateways do not know it); idempotent, since the check's job
 * id is fixed by batch and attempt. The check writes the queue-log entries, in the state it finds.
 */
export function deliveryTrackProcessor(deps: DeliveryTrackDeps) {
  return async (job: Job) => {
    const { batchId, messages } = parser.parse(job.data);
    const delay = deps.schedule.delayBefore(1);
    await deps.delivery.add(
      JobName.deliveryCheck,
      { batchId, attempt: 1, maxRetries: deps.schedule.maxRetries, messages },
      checkJobOptions(batchId, 1, delay),
    );
    return { messages: messages.length };
  };
}
