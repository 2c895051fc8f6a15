import type { ObjectStore } from '@campzone/objects';
import { AttachmentPurgeJobSchema, JobName, payloadParser, QueueName } from '@campzone/queue';
import type { AttachmentRepository } from '@campzone/store';
import type { Job } from 'bullmq';

const parser = payloadParser(AttachmentPurgeJobSchema, `${QueueName.attachments}/${JobName.attachmentPurge}`);

export interface AttachmentPurgeDeps {
  attachments: Pick<AttachmentRepository, 'find' | 'remove'>;
  objects: ObjectStore;
}

/**
 * A deleted message's attachments: objects first, then the metadata, so a failure part way
 * leaves the document that lets the retry find the objects again. Deleting what is gone
 * succeeds, so re-runs are harmless.
 */
export function attachmentPurgeProcessor(deps: AttachmentPurgeDeps) {
  return async (job: Job) => {
    const { roomId, messageId, attachmentIds } = parser.parse(job.data);
    let purged = 0;
    for (const attachmentId of attachmentIds) {
      const doc = await deps.attachments.find(roomId, attachmentId);
      if (!doc) continue;
      await deps.objects.delete(doc.objectKey);
      if (doc.thumbnailKey) await deps.objects.delete(doc.thumbnailKey);
      await deps.attachments.remove(roomId, attachmentId);
      purged++;
    }
    return { roomId, messageId, purged };
  };
}
