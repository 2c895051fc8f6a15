import type { JobsOptions } from 'bullmq';

// Retry and retention policies of every job, in one place. A job's `attempts` cover transient
// failures (MongoDB or Redis briefly away); a bad payload is never retried (UnrecoverableError).

/**
 * Finished jobs kept for Bull Board: few, since a delivery job carries up to 500 messages
 * (about 55 kB). Failed ones are kept longer, for diagnosis, and still bounded.
 */
const keepCompleted = { count: 100 };
const keepFailed = { age: 24 * 3600, count: 1000 };
/** About four minutes of retries (1 s, 2 s, 4 s ... 64 s) ride out a MongoDB failover or restart. */
const deliveryRetries = { attempts: 8, backoff: { type: 'exponential', delay: 1000 } };

/** `track`: schedules the first check (which opens queue-log entries for the messages it re-sends). */
export const trackJobOptions = (batchId: string): JobsOptions => ({
  jobId: trackJobId(batchId),
  ...deliveryRetries,
  removeOnComplete: keepCompleted,
  removeOnFail: keepFailed,
});

/**
 * `check` stage `attempt`: a deterministic id, so a stage re-run after a crash adds its next
 * stage once while that job exists. Should it already be gone, the stage runs again harmlessly:
 * its re-send is claimed already and every log write is conditional on the entry's state.
 */
export const checkJobOptions = (batchId: string, attempt: number, delayMs: number): JobsOptions => ({
  jobId: checkJobId(batchId, attempt),
  delay: delayMs,
  ...deliveryRetries,
  removeOnComplete: keepCompleted,
  removeOnFail: keepFailed,
});

/**
 * Rollups are coalesced per room: while one waits (its delay lets cursor moves gather), further
 * requests are dropped; while one runs, one more is kept and queued when it finishes (BullMQ's
 * keepLastIfActive), so a move during a run is never lost and a room never has two in flight.
 */
export const rollupJobOptions = (roomId: string, delayMs: number): JobsOptions => ({
  delay: delayMs,
  deduplication: { id: `rollup-${roomId}`, keepLastIfActive: true },
  attempts: 5,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
});

/** Thread summaries are coalesced per root like rollups per room: a burst of replies costs one write. */
export const threadSummaryJobOptions = (roomId: string, rootId: string, delayMs: number): JobsOptions => ({
  delay: delayMs,
  deduplication: { id: `thread-${roomId}-${rootId}`, keepLastIfActive: true },
  attempts: 5,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
});

/**
 * One waiting push per (room, member), deduplicated like rollups: while it waits out its delay
 * every further message of the room folds into it (the add is dropped, the first delay holds);
 * one arriving while it runs is kept and queued after it, so nothing slips between its query and
 * its end. Retries cover a push service or MongoDB briefly away; a re-run sends only what its
 * member was not pushed yet (notifiedSeq).
 */
export const notifyJobOptions = (roomId: string, userId: string, delayMs: number): JobsOptions => ({
  delay: delayMs,
  // `.` occurs in no room or user id, so two pairs never share an id.
  deduplication: { id: `notify.${roomId}.${userId}`, keepLastIfActive: true },
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600, count: 1000 },
});

/**
 * One processing job per attachment (the id makes a retried upload enqueue it once); retries
 * ride out a scan hook or store that is briefly away, then the attachment stays pending.
 */
export const attachmentProcessJobOptions = (attachmentId: string): JobsOptions => ({
  jobId: `process-${attachmentId}`,
  attempts: 6,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: keepCompleted,
  removeOnFail: keepFailed,
});

/** Deleting objects is idempotent, so it retries long: about 17 minutes (1 s ... 512 s). */
export const attachmentPurgeJobOptions = (messageId: string): JobsOptions => ({
  jobId: `purge-${messageId}`,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: keepCompleted,
  removeOnFail: keepFailed,
});

/**
 * A delivery's id is fixed by webhook and event, so dispatching an event twice (a crash between
 * enqueueing and marking it dispatched) enqueues it once while the job is kept; kept an hour.
 */
export const webhookDeliverJobOptions = (webhookId: string, eventId: string, attempts: number, backoffMs: number): JobsOptions => ({
  jobId: webhookDeliverJobId(webhookId, eventId),
  attempts,
  backoff: { type: 'exponential', delay: backoffMs },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: keepFailed,
});

/** Dispatch runs one at a time: requests while one waits are dropped, one during a run is kept. */
export const webhookDispatchJobOptions: JobsOptions = {
  deduplication: { id: 'webhook-dispatch', keepLastIfActive: true },
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: { count: 100 },
};
export const WEBHOOK_DISPATCH_SCHEDULER_ID = 'webhook-dispatch';

export const webhookDeliverJobId = (webhookId: string, eventId: string) => `wh-${webhookId}-${eventId}`;

export const sweepJobTemplate = { removeOnComplete: true, removeOnFail: { count: 100 } } satisfies JobsOptions;
export const SWEEP_SCHEDULER_ID = 'queue-log-sweep';

export const trackJobId = (batchId: string) => `track-${batchId}`;
export const checkJobId = (batchId: string, attempt: number) => `check-${batchId}-${attempt}`;
