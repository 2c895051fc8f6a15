import type { JobsOptions } from 'bullmq';

// Retry and retention policies of every job, in one place. A job's `attempts` cover transient
// failures (MongoDB or Redis briefly away); a bad payload is never retried (UnrecoverableError).

const keepFailed = { age: 7 * 24 * 3600, count: 10_000 };

/** `track`: opens queue-log entries and schedules the first check. */
export const trackJobOptions = (batchId: string): JobsOptions => ({
  jobId: trackJobId(batchId),
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000 },
  removeOnFail: keepFailed,
});

/**
 * `check` stage `attempt`: a deterministic id, so a stage re-run after a crash adds its next
 * stage once (BullMQ ignores an add whose id exists). Completed checks are kept an hour so the
 * id still exists while any stalled re-run could come.
 */
export const checkJobOptions = (batchId: string, attempt: number, delayMs: number): JobsOptions => ({
  jobId: checkJobId(batchId, attempt),
  delay: delayMs,
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 50_000 },
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

export const sweepJobTemplate = { removeOnComplete: true, removeOnFail: { count: 100 } } satisfies JobsOptions;
export const SWEEP_SCHEDULER_ID = 'queue-log-sweep';

export const trackJobId = (batchId: string) => `track-${batchId}`;
export const checkJobId = (batchId: string, attempt: number) => `check-${batchId}-${attempt}`;
