import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { ObjectNotFoundError, type ObjectStore } from '@campzone/objects';
import {
  type AttachmentInfo,
  attachmentIdOf,
  ChatError,
  ErrorCode,
  isChatError,
  type MessageType,
  roomOfAttachment,
} from '@campzone/protocol';
import type { AttachmentJobs } from '@campzone/queue';
import {
  type AttachmentDoc,
  type AttachmentRepository,
  type MessageAttachmentDoc,
  messageAttachmentOf,
  ObjectId,
  toAttachment,
} from '@campzone/store';
import type { Logger } from 'pino';
import { UploadInspector } from '../attachments/upload-inspector';
import { guarded } from './dependency-errors';
import type { MembershipService } from './membership.service';
import type { PostingRules } from './posting-rules';

export interface AttachmentServiceDeps {
  rules: Pick<PostingRules, 'check'>;
  membership: Pick<MembershipService, 'requireMember'>;
  attachments: AttachmentRepository;
  objects: ObjectStore;
  /** Absent when the gateway runs without the worker's queues (some tests): uploads are refused. */
  jobs: Pick<AttachmentJobs, 'process' | 'purge'> | undefined;
  maxBytes: number;
  allowedTypes: readonly string[];
  logger?: Pick<Logger, 'warn'>;
}

/** A download: a signed URL to redirect to (S3), or bytes the gateway streams (local directory). */
export type Download =
  | { kind: 'redirect'; url: string }
  | { kind: 'stream'; body: Readable; contentType: string; fileName: string; disposition: 'inline' | 'attachment' };

const MAX_NAME_LENGTH = 255;

/**
 * Uploads, their use in messages, downloads and the purge of a deleted message's files. The
 * bytes are checked on the way into the store (type from the bytes, size counted), and an
 * attachment becomes usable only once the worker settled it `ready`.
 */
export class AttachmentService {
  constructor(private readonly deps: AttachmentServiceDeps) {}

  /** May this user post files here? Checked before a byte of the upload is read. */
  async checkUploader(roomId: string, userId: string): Promise<void> {
    await this.deps.rules.check(roomId, userId, 'post');
  }

  /** Streams the file into the store, records it pending and queues its processing. */
  async upload(userId: string, roomId: string, fileName: string, body: Readable): Promise<AttachmentInfo> {
    const jobs = this.deps.jobs;
    if (!jobs) throw new ChatError(ErrorCode.UNAVAILABLE, 'attachments need the worker queue, which this gateway runs without');
    const attachmentId = attachmentIdOf(roomId, new ObjectId().toHexString());
    const objectKey = `rooms/${roomId}/${attachmentId}`;
    const inspector = new UploadInspector({ maxBytes: this.deps.maxBytes, allowedTypes: this.deps.allowedTypes });
    let refusal: unknown;
    const inspected = pipeline(body, inspector, (err) => {
      if (err) refusal = err;
    });
    try {
      // The store may see the inspector's error as its own; until a type is decided it has no bytes.
      await this.deps.objects.put(objectKey, inspected, 'application/octet-stream');
    } catch (err) {
      await this.bestEffort('remove a refused upload', roomId, () => this.deps.objects.delete(objectKey));
      if (isChatError(refusal)) throw refusal;
      if (isChatError(err)) throw err;
      throw new ChatError(ErrorCode.UNAVAILABLE, 'the attachment store did not take the file; retry');
    }
    if (isChatError(refusal)) throw refusal;
    const contentType = inspector.contentType ?? 'application/octet-stream';
    const doc: AttachmentDoc = {
      _id: attachmentId,
      roomId,
      uploaderId: userId,
      name: cleanName(fileName),
      contentType,
      size: inspector.size,
      status: 'pending',
      objectKey,
      createdAt: new Date(),
    };
    await this.store(() => this.deps.attachments.insert(doc));
    await guarded('attachment queue (Redis)', () => jobs.process({ roomId, attachmentId }), 'retry the upload');
    return infoOf(doc);
  }

  /** Status poll: the uploader learns when processing finished (ready or quarantined). */
  async info(userId: string, roomId: string, attachmentId: string): Promise<AttachmentInfo> {
    await this.deps.membership.requireMember(roomId, userId);
    return infoOf(await this.found(roomId, attachmentId));
  }

  /**
   * The attachments a send carries, in its order: each of this room, the sender's own, and
   * ready; an `image` message carries images only. Any other: refused, nothing stored.
   */
  async forSend(roomId: string, senderId: string, messageType: MessageType, attachmentIds: string[]): Promise<MessageAttachmentDoc[]> {
    if (messageType !== 'image' && messageType !== 'file') {
      throw new ChatError(ErrorCode.VALIDATION_FAILED, 'attachmentIds go with messageType image or file');
    }
    const docs = await this.store(() => this.deps.attachments.findMany(roomId, attachmentIds));
    const byId = new Map(docs.map((d) => [d._id, d]));
    return attachmentIds.map((id) => {
      const doc = byId.get(id);
      if (!doc) throw new ChatError(ErrorCode.NOT_FOUND, `attachment ${id}: no such attachment in room ${roomId}`);
      if (doc.uploaderId !== senderId) throw new ChatError(ErrorCode.FORBIDDEN, `attachment ${id} was uploaded by someone else`);
      if (doc.status === 'pending')
        throw new ChatError(ErrorCode.CONFLICT, `attachment ${id} is still being processed; send once it is ready`);
      if (doc.status === 'quarantined')
        throw new ChatError(ErrorCode.FORBIDDEN, `attachment ${id} is quarantined: ${doc.reason ?? 'infected'}`);
      if (messageType === 'image' && !doc.contentType.startsWith('image/')) {
        throw new ChatError(
          ErrorCode.VALIDATION_FAILED,
          `attachment ${id} is ${doc.contentType}, not an image: send it as messageType file`,
        );
      }
      return messageAttachmentOf(doc);
    });
  }

  /** Members of its room only; quarantined and pending files are never served. */
  async download(userId: string, attachmentId: string, variant: 'original' | 'thumbnail'): Promise<Download> {
    const roomId = roomOfAttachment(attachmentId);
    await this.deps.membership.requireMember(roomId, userId);
    const doc = await this.found(roomId, attachmentId);
    if (doc.status === 'quarantined') throw new ChatError(ErrorCode.FORBIDDEN, `attachment ${attachmentId} is quarantined`);
    if (doc.status === 'pending') throw new ChatError(ErrorCode.CONFLICT, `attachment ${attachmentId} is still being processed`);
    const thumbnail = variant === 'thumbnail';
    if (thumbnail && !doc.thumbnailKey) throw new ChatError(ErrorCode.NOT_FOUND, `attachment ${attachmentId} has no thumbnail`);
    const key = thumbnail && doc.thumbnailKey ? doc.thumbnailKey : doc.objectKey;
    const contentType = thumbnail ? 'image/webp' : doc.contentType;
    const fileName = thumbnail ? `${doc.name}.webp` : doc.name;
    // Only raster images render in place; everything else is saved, never rendered by the browser.
    const disposition = contentType.startsWith('image/') ? 'inline' : 'attachment';
    const url = await this.objects(() => this.deps.objects.signedDownloadUrl(key, { fileName, contentType, disposition }));
    if (url) return { kind: 'redirect', url };
    const body = await this.objects(() => this.deps.objects.get(key));
    return { kind: 'stream', body, contentType, fileName, disposition };
  }

  /** After a message's tombstone is stored: its files go, by the worker, retried. */
  async purge(roomId: string, messageId: string, attachmentIds: string[]): Promise<void> {
    if (attachmentIds.length === 0) return;
    const jobs = this.deps.jobs;
    if (!jobs) {
      this.deps.logger?.warn({ roomId, messageId, attachmentIds }, 'no worker queue: deleted message keeps its attachment objects');
      return;
    }
    await jobs.purge({ roomId, messageId, attachmentIds });
  }

  private async found(roomId: string, attachmentId: string): Promise<AttachmentDoc> {
    const doc = await this.store(() => this.deps.attachments.find(roomId, attachmentId));
    if (!doc) throw new ChatError(ErrorCode.NOT_FOUND, `no attachment ${attachmentId} in room ${roomId}`);
    return doc;
  }

  private async bestEffort(what: string, roomId: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.deps.logger?.warn({ err, roomId }, `could not ${what}`);
    }
  }

  private store<T>(call: () => Promise<T>): Promise<T> {
    return guarded('attachment store (MongoDB)', call);
  }

  private async objects<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new ChatError(ErrorCode.NOT_FOUND, "the attachment's bytes are gone");
      throw new ChatError(ErrorCode.UNAVAILABLE, 'the attachment store is unavailable; retry');
    }
  }
}

function infoOf(doc: AttachmentDoc): AttachmentInfo {
  const info: AttachmentInfo = { ...toAttachment(messageAttachmentOf(doc)), roomId: doc.roomId, status: doc.status };
  if (doc.reason) info.reason = doc.reason;
  return info;
}

/** The name shown and offered on download: no path, no control characters, bounded. */
export function cleanName(fileName: string): string {
  const base = basename(fileName.replace(/\\/g, '/'));
  const name = [...base]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  return (name || 'file').slice(0, MAX_NAME_LENGTH);
}
