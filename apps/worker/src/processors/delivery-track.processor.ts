import { checkJobOptions, type DeliveryQueue, DeliveryTrackJobSchema, JobName, payloadParser, QueueName } from '@campzone/queue';
import type { Job } from 'bullmq';
import type { DeliverySchedule } from '../delivery/delivery-schedule';
import type { NotifyPlanner } from '../notify/notify-planner';

const parser = payloadParser(DeliveryTrackJobSchema, `${QueueName.delivery}/${JobName.deliveryTrack}`);

export interface DeliveryTrackDeps {
  delivery: Pick<DeliveryQueue, 'add'>;
  schedule: DeliverySchedule;
  /** Present when Web Push is configured (VAPID keys set). */
  notify?: Pick<NotifyPlanner, 'plan'>;
}

/**
 * `track`: a batch of just-stored messages. Schedules the batch's first check, with the delay of
 * the worker's retry schedule (the gateways do not know it); idempotent, since the check's job
 * id is fixed by batch and attempt. The check writes the queue-log entries, in the state it finds.
 * Then it plans the batch's pushes to offline members: every stored message passes here, so
 * no gateway has to; a re-run adds nothing a waiting push does not already cover.
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
    const pushes = deps.notify ? await deps.notify.plan(messages) : 0;
    return { messages: messages.length, pushes };
  };
}
