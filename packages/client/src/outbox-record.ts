import type { SendMessage } from '@campzone/protocol';

export type ClientMessageType = NonNullable<SendMessage['messageType']>;

/**
 * One unacknowledged send, exactly as it goes on the wire every time it is (re)sent: the same
 * idempotencyKey, content and Lamport timestamp, so the server stores it once whatever happens.
 */
export interface OutboxRecord {
  idempotencyKey: string;
  roomId: string;
  content: string;
  messageType?: ClientMessageType;
  /** The message this one answers. */
  replyTo?: string;
  /** Uploaded, ready attachments (with messageType image or file). */
  attachmentIds?: string[];
  lamportTimestamp: number;
  /** Epoch ms when the user sent it. */
  createdAt: number;
  /** Epoch ms after which the SDK gives up (kept well inside the server's 24 h idempotency window). */
  expiresAt: number;
  /** Transmissions that failed with a retryable answer or no answer (disconnects do not count). */
  attempts: number;
}

export function toSendPayload(record: OutboxRecord): SendMessage {
  const payload: SendMessage = {
    roomId: record.roomId,
    content: record.content,
    lamportTimestamp: record.lamportTimestamp,
    idempotencyKey: record.idempotencyKey,
  };
  if (record.messageType) payload.messageType = record.messageType;
  if (record.replyTo) payload.replyTo = record.replyTo;
  if (record.attachmentIds && record.attachmentIds.length > 0) payload.attachmentIds = record.attachmentIds;
  return payload;
}

const MESSAGE_TYPES: ReadonlySet<string> = new Set<ClientMessageType>(['text', 'image', 'file']);

/** Reads a record back from storage, trusting nothing (another version, a hand edit, garbage). */
export function parseOutboxRecord(value: unknown): OutboxRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (typeof v.idempotencyKey !== 'string' || typeof v.roomId !== 'string' || typeof v.content !== 'string') return undefined;
  if (!isInt(v.lamportTimestamp) || !isInt(v.createdAt) || !isInt(v.expiresAt) || !isInt(v.attempts)) return undefined;
  if (v.messageType !== undefined && (typeof v.messageType !== 'string' || !MESSAGE_TYPES.has(v.messageType))) return undefined;
  if (v.replyTo !== undefined && typeof v.replyTo !== 'string') return undefined;
  const attachmentIds = v.attachmentIds;
  if (attachmentIds !== undefined && !(Array.isArray(attachmentIds) && attachmentIds.every((id) => typeof id === 'string')))
    return undefined;
  const record: OutboxRecord = {
    idempotencyKey: v.idempotencyKey,
    roomId: v.roomId,
    content: v.content,
    lamportTimestamp: v.lamportTimestamp,
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
    attempts: v.attempts,
  };
  if (v.messageType !== undefined) record.messageType = v.messageType as ClientMessageType;
  if (typeof v.replyTo === 'string') record.replyTo = v.replyTo;
  if (Array.isArray(attachmentIds)) record.attachmentIds = attachmentIds as string[];
  return record;
}
