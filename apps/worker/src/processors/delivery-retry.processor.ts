import { type ChatMessage, userChannel } from '@campzone/protocol';
import {
  checkJobOptions,
  DeliveryCheckJobSchema,
  type DeliveryQueue,
  JobName,
  payloadParser,
  QueueName,
  type TrackedMessage,
} from '@campzone/queue';
import {
  type ContentCodec,
  type MessageRepository,
  openChatMessages,
  type QueueLogRepository,
  type StatusFloorRepository,
} from '@campzone/store';
import type { Job } from 'bullmq';
import type { DeliverySchedule } from '../delivery/delivery-schedule';
import type { MemberCursorReader } from '../delivery/member-cursors';
import type { ResendClaims } from '../delivery/resend-claims';
import { failureReason, type Missing, missingOnline, type OnlineUsers } from '../delivery/unacked-members';
import type { WorkerMetrics } from '../observability/metrics';
import type { JobRun } from './job-run';

const parser = payloadParser(DeliveryCheckJobSchema, `${QueueName.delivery}/${JobName.deliveryCheck}`);

export interface DeliveryRetryDeps {
  cursors: MemberCursorReader;
  presence: OnlineUsers;
  queueLog: Pick<QueueLogRepository, 'openRetried' | 'markDelivered' | 'markRetry' | 'markFailed'>;
  messages: Pick<MessageRepository, 'findManyByIds'>;
  floors: Pick<StatusFloorRepository, 'get'>;
  /** Opens stored content: a room encrypted at rest is re-sent as plaintext, never as ciphertext. */
  codec: ContentCodec;
  claims: ResendClaims;
  delivery: Pick<DeliveryQueue, 'add'>;
  schedule: DeliverySchedule;
  metrics: WorkerMetrics;
}

/**
 * `check` number `attempt` of a batch. Messages every online member acked are DELIVERED
 * (offline members are not failures: `sync` brings them what they missed). The others, while
 * retries remain, are marked RETRY, re-sent to each online member's personal room on every
 * pod, and carried alone into the next check; at the verdict they are FAILED with the members
 * who never acked. Only messages that needed a re-send get a queue-log entry (opened at their
 * first re-send): one acked by everyone at the first check is DELIVERED by the room's floor.
 */
export function deliveryRetryProcessor(deps: DeliveryRetryDeps) {
  return async (job: Job, run: JobRun) => {
    const { batchId, attempt, maxRetries, messages } = parser.parse(job.data);
    const missing = await missingOnline(deps, messages);
    const settled = messages.filter((m) => !missing.has(m.messageId));
    const open = [...missing.values()];

    if (attempt > maxRetries) {
      const delivered = await deps.queueLog.markDelivered(settled);
      deps.metrics.deliveryOutcomes.inc({ outcome: 'delivered' }, delivered);
      const failed = await deps.queueLog.markFailed(open.map((m) => ({ ...m.message, errorMessage: failureReason(maxRetries, m.online) })));
      deps.metrics.deliveryOutcomes.inc({ outcome: 'failed' }, failed);
      if (open.length > 0) run.logger.warn({ batchId, attempt, failed: open.length }, 'delivery failed: online members never acked');
      return { attempt, delivered: settled.length, failed: open.length };
    }

    const delay = deps.schedule.delayBefore(attempt + 1);
    const openMessages = open.map((m) => m.message);
    // A first run of check 1 has no entries to update: it opened none before. A run BullMQ
    // started before (a stall, a failure) may have opened some for messages acked since.
    const mayHaveOpened = attempt > 1 || job.attemptsStarted !== 1;
    const nextRetryAt = new Date(Date.now() + delay);
    const delivered = await recordRetry(deps, attempt, maxRetries, { settled, retried: openMessages, mayHaveOpened }, nextRetryAt);
    deps.metrics.deliveryOutcomes.inc({ outcome: 'delivered' }, delivered);
    if (open.length === 0) return { attempt, delivered: settled.length, open: 0 };

    // Everything that can fail comes before the claim, so a failed run leaves the re-send to its retry.
    const payloads = await resendPayloads(deps, open);
    await run.handBackIfStopping();
    // One publish per message, to every recipient's personal room at once: each pod delivers it
    // to the sockets it holds in any of those rooms, once per socket.
    const sent = await Promise.all(
      payloads.map(({ payload, to }) =>
        deps.claims.resend(payload.messageId, attempt, (emitter) => emitter.to(to.map(userChannel)).emit('new_message', payload)),
      ),
    );
    const fresh = sent.filter(Boolean).length;
    deps.metrics.deliveryRetries.inc(fresh);
    if (fresh < payloads.length) {
      run.logger.info(
        { batchId, attempt, skipped: payloads.length - fresh },
        're-sends already sent by another run of this retry; not sending again',
      );
    }
    await deps.delivery.add(
      JobName.deliveryCheck,
      { batchId, attempt: attempt + 1, maxRetries, messages: openMessages },
      checkJobOptions(batchId, attempt + 1, delay),
    );
    return { attempt, delivered: settled.length, resent: open.length };
  };
}

/**
 * Queue-log bookkeeping of a check before the verdict; answers how many messages it found
 * DELIVERED. At the first check those have no entry, and need no write.
 */
async function recordRetry(
  deps: DeliveryRetryDeps,
  attempt: number,
  maxRetries: number,
  outcome: { settled: TrackedMessage[]; retried: TrackedMessage[]; mayHaveOpened: boolean },
  nextRetryAt: Date,
): Promise<number> {
  const { settled, retried, mayHaveOpened } = outcome;
  const delivered = mayHaveOpened ? await deps.queueLog.markDelivered(settled) : 0;
  if (attempt === 1) {
    await deps.queueLog.openRetried(retried, maxRetries, nextRetryAt);
    return settled.length;
  }
  await deps.queueLog.markRetry(retried, attempt, nextRetryAt);
  return delivered;
}

/** The `new_message` payload of each message to re-send, with the online members it is for. */
async function resendPayloads(deps: DeliveryRetryDeps, open: Missing[]): Promise<Array<{ payload: ChatMessage; to: string[] }>> {
  const byRoom = new Map<string, Missing[]>();
  for (const m of open) byRoom.set(m.message.roomId, [...(byRoom.get(m.message.roomId) ?? []), m]);
  const payloads: Array<{ payload: ChatMessage; to: string[] }> = [];
  for (const [roomId, items] of byRoom) {
    const [docs, floors] = await Promise.all([
      deps.messages.findManyByIds(
        roomId,
        items.map((m) => m.message.messageId),
      ),
      deps.floors.get(roomId),
    ]);
    const recipients = new Map(items.map((m) => [m.message.messageId, m.online]));
    const messages = await openChatMessages(deps.codec, docs, floors);
    for (const payload of messages) payloads.push({ payload, to: recipients.get(payload.messageId) ?? [] });
  }
  return payloads;
}
