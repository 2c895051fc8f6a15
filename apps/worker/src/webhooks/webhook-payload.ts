import type { WebhookPayload } from '@campzone/protocol';
import type { ContentCodec, MessageChangeRepository, WebhookOutboxDoc } from '@campzone/store';

export interface PayloadDeps {
  changes: Pick<MessageChangeRepository, 'find'>;
  codec: Pick<ContentCodec, 'open'>;
}

/**
 * The JSON body of an event: message events carry the message as it is stored when the event
 * is dispatched (decrypted when encryption at rest is on); null when the message is gone.
 */
export async function payloadOf(entry: WebhookOutboxDoc, deps: PayloadDeps): Promise<string | null> {
  const data = await dataOf(entry, deps);
  if (!data) return null;
  const payload: WebhookPayload = {
    eventId: entry._id,
    event: entry.event,
    occurredAt: entry.occurredAt.toISOString(),
    roomId: entry.roomId,
    data,
  };
  return JSON.stringify(payload);
}

async function dataOf(entry: WebhookOutboxDoc, deps: PayloadDeps): Promise<Record<string, unknown> | null> {
  if (entry.event === 'member.added' || entry.event === 'member.removed') {
    return { userId: entry.userId, ...(entry.actorId ? { actorId: entry.actorId } : {}) };
  }
  if (!entry.messageId) return null;
  const doc = await deps.changes.find(entry.roomId, entry.messageId);
  if (!doc) return null;
  const base = { messageId: doc._id.toHexString(), senderId: doc.senderId, seq: doc.seq, rev: doc.rev ?? 0 };
  if (entry.event === 'message.deleted' || doc.deletedAt) {
    return { ...base, deletedAt: doc.deletedAt?.toISOString() ?? null, deletedBy: doc.deletedBy ?? null };
  }
  return {
    ...base,
    content: await deps.codec.open(doc.roomId, doc.content, doc.keyVersion),
    messageType: doc.messageType,
    lamportTimestamp: doc.lamportTimestamp,
    createdAt: doc.createdAt.toISOString(),
    ...(doc.editedAt ? { editedAt: doc.editedAt.toISOString() } : {}),
    ...(doc.replyTo ? { replyTo: doc.replyTo.toHexString() } : {}),
    ...(doc.threadRootId ? { threadRootId: doc.threadRootId.toHexString() } : {}),
  };
}
