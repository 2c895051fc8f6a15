import { Queue } from 'bullmq';
import { attachmentProcessJobOptions, attachmentPurgeJobOptions } from './job-policies';
import type { AttachmentProcessJob, AttachmentPurgeJob } from './job-schemas';
import { connectionOptions, type QueueSettings } from './queue-connection';
import { JobName, QueueName } from './queue-names';

/**
 * The gateway's side of the attachments queue. Unlike delivery tracking these are awaited:
 * an upload is answered only once its processing job is queued (else it would stay pending
 * for ever), and a delete's purge is handed over before the delete is answered.
 */
export class AttachmentJobs {
  private readonly queue: Queue<AttachmentProcessJob | AttachmentPurgeJob>;

  constructor(settings: QueueSettings, onError?: (err: Error) => void) {
    this.queue = new Queue(QueueName.attachments, { connection: connectionOptions(settings.connection), prefix: settings.prefix });
    // An 'error' event without a listener would throw; ioredis reconnects by itself.
    this.queue.on('error', (err: Error) => onError?.(err));
  }

  async process(job: AttachmentProcessJob): Promise<void> {
    await this.queue.add(JobName.attachmentProcess, job, attachmentProcessJobOptions(job.attachmentId));
  }

  async purge(job: AttachmentPurgeJob): Promise<void> {
    await this.queue.add(JobName.attachmentPurge, job, attachmentPurgeJobOptions(job.messageId));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
