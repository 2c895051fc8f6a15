import { type Static, Type } from '@sinclair/typebox';
import { RoomIdSchema } from './ids';

/**
 * An attachment's id names its room: `<roomId>_<24 hex>`. Every lookup (a download carries
 * only the id) then filters by roomId, which MongoDB shards on, without a scatter query.
 */
export const AttachmentIdSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}_[a-f0-9]{24}$', description: 'attachment id' });

export function attachmentIdOf(roomId: string, unique: string): string {
  return `${roomId}_${unique}`;
}

/** The room an attachment id names (ids are validated against AttachmentIdSchema first). */
export function roomOfAttachment(attachmentId: string): string {
  return attachmentId.slice(0, -25);
}

/**
 * pending: stored, not yet scanned and measured; ready: usable in a message and served;
 * quarantined: the scan hook called it infected: never usable, never served.
 */
export const AttachmentStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('ready'), Type.Literal('quarantined')]);
export type AttachmentStatus = Static<typeof AttachmentStatusSchema>;

/** The most attachments one message carries. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** An attachment as messages carry it. */
export const AttachmentSchema = Type.Object({
  attachmentId: AttachmentIdSchema,
  /** The uploader's file name, cleaned of paths and control characters. */
  name: Type.String(),
  /** Decided from the bytes, never from the name or the upload's header. */
  contentType: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  /** Images only, measured by the worker. */
  width: Type.Optional(Type.Integer({ minimum: 1 })),
  height: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Images only: the path of a small WebP preview (`GET /v1/attachments/:attachmentId/thumbnail`). */
  thumbnail: Type.Optional(Type.String()),
});
export type Attachment = Static<typeof AttachmentSchema>;

/** The answer to an upload and to a status poll: the attachment, its room and its status. */
export const AttachmentInfoSchema = Type.Composite([
  AttachmentSchema,
  Type.Object({
    roomId: RoomIdSchema,
    status: AttachmentStatusSchema,
    /** Set when quarantined: what the scan hook said. */
    reason: Type.Optional(Type.String()),
  }),
]);
export type AttachmentInfo = Static<typeof AttachmentInfoSchema>;

/**
 * A download answered by the gateway itself (a local object store): the file's bytes, with the
 * Content-Type decided at upload (`image/webp` for a thumbnail). Streamed, never serialized.
 */
export const AttachmentBytesSchema = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: "the file's bytes" });

/**
 * A download the object store serves (S3): a 302 to a short-lived signed URL, no body. The URL
 * needs no bearer token: follow it without the Authorization header.
 */
export const AttachmentRedirectSchema = Type.Null({
  description: 'redirect to a short-lived signed URL of the object store',
  headers: { location: Type.String({ format: 'uri', description: 'the signed URL' }) },
});

export const AttachmentParamsSchema = Type.Object({ attachmentId: AttachmentIdSchema });
export type AttachmentParams = Static<typeof AttachmentParamsSchema>;

export const RoomAttachmentParamsSchema = Type.Object({ roomId: RoomIdSchema, attachmentId: AttachmentIdSchema });
export type RoomAttachmentParams = Static<typeof RoomAttachmentParamsSchema>;

/** Server -> uploader (every socket of theirs): processing finished, ready or quarantined. */
export const AttachmentUpdatedSchema = Type.Object({
  roomId: RoomIdSchema,
  attachmentId: AttachmentIdSchema,
  status: AttachmentStatusSchema,
  attachment: AttachmentSchema,
  reason: Type.Optional(Type.String()),
});
export type AttachmentUpdated = Static<typeof AttachmentUpdatedSchema>;

/**
 * What the ATTACHMENT_SCAN_URL hook answers to a POST of the file's bytes (headers
 * `X-CampZone-Attachment-Id`, `X-CampZone-Room-Id`, `Content-Type`): anything else, or no
 * answer in time, fails the try and the worker retries.
 */
export const ScanVerdictSchema = Type.Object({
  result: Type.Union([Type.Literal('clean'), Type.Literal('infected')]),
  /** e.g. the signature's name; shown to the uploader. */
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
export type ScanVerdict = Static<typeof ScanVerdictSchema>;
