import { type Job, WaitingError } from 'bullmq';
import type { Logger } from 'pino';

/** What a processor gets beside its job: a logger with pod, queue and jobId, and the shutdown hook. */
export interface JobRun {
  logger: Logger;
  /**
   * Called between steps: once the worker is stopping (SIGTERM past its grace), hands the job
   * back to the queue for another worker and ends this run. Jobs are idempotent, so the
   * other worker redoing the steps already done changes nothing more.
   */
  handBackIfStopping(): Promise<void>;
}

export type JobProcessor = (job: Job, run: JobRun) => Promise<unknown>;

export function jobRun(job: Job, token: string | undefined, signal: AbortSignal | undefined, logger: Logger): JobRun {
  return {
    logger,
    async handBackIfStopping() {
      if (!signal?.aborted) return;
      await job.moveToWait(token);
      // Tells BullMQ the job has been moved already (not completed, not failed).
      throw new WaitingError();
    },
  };
}
