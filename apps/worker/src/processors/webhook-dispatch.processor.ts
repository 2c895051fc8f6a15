import {
  JobName,
  payloadParser,
  QueueName,
  type WebhookDeliverJob,
  WebhookDispatchJobSchema,
  type WebhookQueue,
  webhookDeliverJobOptions,
} from '@campzone/queue';
import type { WebhookOutboxRepository, WebhookRepository } from '@campzone/store';
import type { Job } from 'bullmq';
import { type PayloadDeps, payloadOf } from '../webhooks/webhook-payload';
import type { JobRun } from './job-run';

const parser = payloadParser(WebhookDispatchJobSchema, `${QueueName.webhooks}/${JobName.webhookDispatch}`);

/** Events read from the outbox per round; a run takes rounds until the outbox is empty or it has taken this many. */
const BATCH = 200;
const MAX_ROUNDS = 25;
/** Dispatched events are kept this long, so the same event recorded again (a retried send) is not dispatched twice. */
const KEEP_DISPATCHED_MS = 24 * 3_600_000;

export interface WebhookDispatchDeps extends PayloadDeps {
  outbox: Pick<WebhookOutboxRepository, 'undispatched' | 'markDispatched' | 'deleteDispatchedBefore'>;
  webhooks: Pick<WebhookRepository, 'subscribedTo'>;
  queue: Pick<WebhookQueue, 'addBulk'>;
  /** WEBHOOK_MAX_ATTEMPTS and WEBHOOK_BACKOFF_MS. */
  attempts: number;
  backoffMs: number;
}

/**
 * Outbox -> deliveries: one `deliver` job per event and subscribed webhook, enqueued before the
 * event is marked dispatched. A crash in between enqueues the same jobs again, under the same
 * ids, so BullMQ keeps one of each; an event is never marked before its jobs exist.
 */
export function webhookDispatchProcessor(deps: WebhookDispatchDeps) {
  return async (job: Job, run: JobRun) => {
    parser.parse(job.data);
    let events = 0;
    let deliveries = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entries = await deps.outbox.undispatched(BATCH);
      if (entries.length === 0) break;
      const jobs: Array<{
        name: typeof JobName.webhookDeliver;
        data: WebhookDeliverJob;
        opts: ReturnType<typeof webhookDeliverJobOptions>;
      }> = [];
      // A busy room's events share one lookup per round.
      const subscribers = new Map<string, ReturnType<typeof deps.webhooks.subscribedTo>>();
      for (const entry of entries) {
        const key = `${entry.event} ${entry.roomId}`;
        let lookup = subscribers.get(key);
        if (!lookup) {
          lookup = deps.webhooks.subscribedTo(entry.event, entry.roomId);
          subscribers.set(key, lookup);
        }
        const webhooks = await lookup;
        if (webhooks.length === 0) continue; // unsubscribed since it was recorded
        const body = await payloadOf(entry, deps);
        if (body === null) {
          run.logger.warn({ roomId: entry.roomId, eventId: entry._id }, 'webhook event names a message that is not stored; skipped');
          continue;
        }
        for (const webhook of webhooks) {
          const webhookId = webhook._id.toHexString();
          jobs.push({
            name: JobName.webhookDeliver,
            data: { webhookId, eventId: entry._id, event: entry.event, roomId: entry.roomId, body },
            opts: webhookDeliverJobOptions(webhookId, entry._id, deps.attempts, deps.backoffMs),
          });
        }
      }
      if (jobs.length > 0) await deps.queue.addBulk(jobs);
      await deps.outbox.markDispatched(entries.map((e) => e._id));
      events += entries.length;
      deliveries += jobs.length;
      await run.handBackIfStopping();
      if (entries.length < BATCH) break;
    }
    const deleted = await deps.outbox.deleteDispatchedBefore(new Date(Date.now() - KEEP_DISPATCHED_MS));
    return { events, deliveries, deleted };
  };
}
