import {
  AttachmentIdSchema,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MessageIdSchema,
  RoomIdSchema,
  UserIdSchema,
  WebhookEventSchema,
  WebhookIdSchema,
} from '@campzone/protocol';
import { type Static, Type } from '@sinclair/typebox';

// Job payloads, validated by the worker before it runs a job. Extra fields are tolerated so a
// newer producer can add one during a rolling deploy; missing or mistyped ones fail the job.

/** The most messages one delivery job carries (keeps payloads and MongoDB `$in` lists bounded). */
export const MAX_MESSAGES_PER_JOB = 1000;

export const TrackedMessageSchema = Type.Object({
  messageId: MessageIdSchema,
  roomId: RoomIdSchema,
  seq: Type.Integer({ minimum: 1 }),
  senderId: UserIdSchema,
});
export type TrackedMessage = Static<typeof TrackedMessageSchema>;

const TrackedMessages = Type.Array(TrackedMessageSchema, { minItems: 1, maxItems: MAX_MESSAGES_PER_JOB });

/** Token used in job ids and Redis keys: no `:` (BullMQ key separator). */
const BatchIdSchema = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,80}$' });

/** `track`: messages just stored and broadcast; the worker checks that online members got them. */
export const DeliveryTrackJobSchema = Type.Object({
  batchId: BatchIdSchema,
  messages: TrackedMessages,
});
export type DeliveryTrackJob = Static<typeof DeliveryTrackJobSchema>;

/**
 * `check` number `attempt` of a batch: attempts 1..maxRetries re-send to online members who
 * have not acked; attempt maxRetries + 1 gives the verdict (DELIVERED or FAILED). Each stage
 * carries only the messages still missing an ack at the stage before.
 */
export const DeliveryCheckJobSchema = Type.Object({
  batchId: BatchIdSchema,
  attempt: Type.Integer({ minimum: 1, maximum: 101 }),
  maxRetries: Type.Integer({ minimum: 1, maximum: 100 }),
  messages: TrackedMessages,
});
export type DeliveryCheckJob = Static<typeof DeliveryCheckJobSchema>;

/** Recompute DELIVERED/READ for one room from its members' cursors. */
export const RollupJobSchema = Type.Object({ roomId: RoomIdSchema });
export type RollupJob = Static<typeof RollupJobSchema>;

/** Recompute one thread root's summary (reply count, last reply, recent repliers) from its replies. */
export const ThreadSummaryJobSchema = Type.Object({ roomId: RoomIdSchema, rootId: MessageIdSchema });
export type ThreadSummaryJob = Static<typeof ThreadSummaryJobSchema>;

export const SweepJobSchema = Type.Object({});
export type SweepJob = Static<typeof SweepJobSchema>;

/** Push to `userId` what `roomId` holds for them that they have neither read nor been pushed yet. */
export const NotifyJobSchema = Type.Object({ roomId: RoomIdSchema, userId: UserIdSchema });
export type NotifyJob = Static<typeof NotifyJobSchema>;
/** `attachment-process`: an upload just stored, pending; the worker scans, measures and settles it. */
export const AttachmentProcessJobSchema = Type.Object({ roomId: RoomIdSchema, attachmentId: AttachmentIdSchema });
export type AttachmentProcessJob = Static<typeof AttachmentProcessJobSchema>;

/** `attachment-purge`: a message was deleted (its tombstone is stored); its attachments' objects go. */
export const AttachmentPurgeJobSchema = Type.Object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
  attachmentIds: Type.Array(AttachmentIdSchema, { minItems: 1, maxItems: MAX_ATTACHMENTS_PER_MESSAGE }),
});
export type AttachmentPurgeJob = Static<typeof AttachmentPurgeJobSchema>;

/** Reads the webhook outbox and enqueues a `deliver` job per subscribed webhook for each event found. */
export const WebhookDispatchJobSchema = Type.Object({});
export type WebhookDispatchJob = Static<typeof WebhookDispatchJobSchema>;

/** One event to one webhook. The secret is read from the store at each attempt, never kept in Redis. */
export const WebhookDeliverJobSchema = Type.Object({
  webhookId: WebhookIdSchema,
  eventId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,120}$' }),
  event: WebhookEventSchema,
  roomId: RoomIdSchema,
  /** The exact JSON body sent (and signed) on every attempt. */
  body: Type.String({ maxLength: 1_000_000 }),
});
export type WebhookDeliverJob = Static<typeof WebhookDeliverJobSchema>;
