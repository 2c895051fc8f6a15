import type { Collection } from 'mongodb';
import type { AttachmentDoc, MessageAttachmentDoc } from './documents';

/** What processing found: measurements and a thumbnail for images, or why it was quarantined. */
export type AttachmentOutcome =
  | { status: 'ready'; width?: number; height?: number; thumbnailKey?: string }
  | { status: 'quarantined'; reason: string };

/** Uploaded files' metadata. Every filter carries roomId (the shard key), which the id also names. */
export class AttachmentRepository {
  constructor(private readonly attachments: Collection<AttachmentDoc>) {}

  async insert(doc: AttachmentDoc): Promise<void> {
    await this.attachments.insertOne(doc);
  }

  find(roomId: string, attachmentId: string): Promise<AttachmentDoc | null> {
    return this.attachments.findOne({ roomId, _id: attachmentId });
  }

  findMany(roomId: string, attachmentIds: string[]): Promise<AttachmentDoc[]> {
    return this.attachments.find({ roomId, _id: { $in: attachmentIds } }).toArray();
  }

  /** Settles a pending attachment once; answers false if it was not pending (a re-run job). */
  async settle(roomId: string, attachmentId: string, outcome: AttachmentOutcome, at = new Date()): Promise<boolean> {
    const result = await this.attachments.updateOne(
      { roomId, _id: attachmentId, status: 'pending' },
      { $set: { ...outcome, processedAt: at } },
    );
    return result.modifiedCount === 1;
  }

  async remove(roomId: string, attachmentId: string): Promise<void> {
    await this.attachments.deleteOne({ roomId, _id: attachmentId });
  }
}

/** The part of an attachment a message keeps. */
export function messageAttachmentOf(doc: AttachmentDoc): MessageAttachmentDoc {
  const kept: MessageAttachmentDoc = { attachmentId: doc._id, name: doc.name, contentType: doc.contentType, size: doc.size };
  if (doc.width !== undefined) kept.width = doc.width;
  if (doc.height !== undefined) kept.height = doc.height;
  if (doc.thumbnailKey) kept.hasThumbnail = true;
  return kept;
}
