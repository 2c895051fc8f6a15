import { Readable } from 'node:stream';
import type { ObjectStore } from '@campzone/objects';
import { userChannel } from '@campzone/protocol';
import { AttachmentProcessJobSchema, JobName, payloadParser, QueueName } from '@campzone/queue';
import { type AttachmentDoc, type AttachmentOutcome, type AttachmentRepository, messageAttachmentOf, toAttachment } from '@campzone/store';
import type { Job } from 'bullmq';
import { imagePreview, UndecodableImageError } from '../attachments/image-preview';
import { scanAttachment } from '../attachments/scan-hook';
import type { ClusterEmitter } from '../delivery/cluster-emitter';
import type { JobRun } from './job-run';

const parser = payloadParser(AttachmentProcessJobSchema, `${QueueName.attachments}/${JobName.attachmentProcess}`);

export interface AttachmentProcessDeps {
  attachments: Pick<AttachmentRepository, 'find' | 'settle'>;
  objects: ObjectStore;
  /** ATTACHMENT_SCAN_URL and its timeout; absent: no scan. */
  scan?: { url: string; timeoutMs: number };
  emitter: ClusterEmitter;
}

/**
 * Settles a pending upload: the scan hook first (infected: quarantined, never served), then for
 * images width, height and a thumbnail; then ready. The uploader's sockets get
 * `attachment_updated` (and a poll of the attachment says the same). A re-run finds the
 * attachment settled and does nothing; a failing scan or store throws for BullMQ to retry.
 */
export function attachmentProcessProcessor(deps: AttachmentProcessDeps) {
  return async (job: Job, run: JobRun) => {
    const { roomId, attachmentId } = parser.parse(job.data);
    const doc = await deps.attachments.find(roomId, attachmentId);
    if (!doc) return { roomId, attachmentId, skipped: 'no such attachment' };
    if (doc.status !== 'pending') return { roomId, attachmentId, skipped: doc.status };
    const outcome = await decide(deps, doc);
    await run.handBackIfStopping();
    if (!(await deps.attachments.settle(roomId, attachmentId, outcome))) return { roomId, attachmentId, skipped: 'settled meanwhile' };
    if (outcome.status === 'quarantined') run.logger.warn({ roomId, attachmentId, reason: outcome.reason }, 'attachment quarantined');
    const settled = { ...doc, ...outcome };
    await deps.emitter.emit((e) =>
      e.to(userChannel(doc.uploaderId)).emit('attachment_updated', {
        roomId,
        attachmentId,
        status: outcome.status,
        attachment: toAttachment(messageAttachmentOf(settled)),
        ...(outcome.status === 'quarantined' ? { reason: outcome.reason } : {}),
      }),
    );
    return { roomId, attachmentId, status: outcome.status };
  };
}

async function decide(deps: AttachmentProcessDeps, doc: AttachmentDoc): Promise<AttachmentOutcome> {
  if (deps.scan) {
    const verdict = await scanAttachment(deps.scan.url, deps.scan.timeoutMs, {
      roomId: doc.roomId,
      attachmentId: doc._id,
      contentType: doc.contentType,
      body: await deps.objects.get(doc.objectKey),
    });
    if (verdict.result === 'infected') return { status: 'quarantined', reason: verdict.reason ?? 'the scan found it infected' };
  }
  if (!doc.contentType.startsWith('image/')) return { status: 'ready' };
  try {
    const preview = await imagePreview(await deps.objects.get(doc.objectKey));
    const thumbnailKey = `${doc.objectKey}.thumb`;
    await deps.objects.put(thumbnailKey, Readable.from([preview.thumbnail]), 'image/webp');
    return { status: 'ready', width: preview.width, height: preview.height, thumbnailKey };
  } catch (err) {
    // Bytes that start like an image but do not decode are a disguise or a corruption: never served.
    if (err instanceof UndecodableImageError) return { status: 'quarantined', reason: err.message };
    throw err;
  }
}
