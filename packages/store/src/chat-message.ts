import type { Attachment, ChatMessage, ReactionSummary } from '@campzone/protocol';
import type { MessageAttachmentDoc, ReactionDoc } from './documents';
import type { ContentCodec } from './encryption/content-codec';
import type { StoredMessage } from './message.repository';
import { type StatusFloors, statusAt } from './status-floor.repository';

/**
 * The one place a stored message becomes what clients see, on the gateway and in the worker's
 * re-sends. Its status comes from the room's floors when given; a message just stored has none
 * above it, so its own field is exact. `viewerId` is who reads it: reactions say whether they
 * are among the reactors (`me`); without one (a broadcast to the room), `me` is false.
 */
export function toChatMessage(doc: StoredMessage, content: string, floors?: StatusFloors, viewerId?: string): ChatMessage {
  const message: ChatMessage = {
    messageId: doc._id.toHexString(),
    roomId: doc.roomId,
    senderId: doc.senderId,
    content: doc.deletedAt ? '' : content,
    messageType: doc.messageType,
    lamportTimestamp: doc.lamportTimestamp,
    seq: doc.seq,
    createdAt: doc.createdAt.toISOString(),
    status: floors ? statusAt(doc, floors) : doc.status,
  };
  if (doc.rev !== undefined) message.rev = doc.rev;
  if (doc.editedAt) message.editedAt = doc.editedAt.toISOString();
  if (doc.deletedAt) message.deletedAt = doc.deletedAt.toISOString();
  if (doc.deletedBy) message.deletedBy = doc.deletedBy;
  if (doc.replyTo) message.replyTo = doc.replyTo.toHexString();
  if (doc.threadRootId) message.threadRootId = doc.threadRootId.toHexString();
  if (doc.thread)
    message.thread = {
      replyCount: doc.thread.replyCount,
      lastReplyAt: doc.thread.lastReplyAt.toISOString(),
      repliers: doc.thread.repliers,
    };
  if (doc.reactions && doc.reactions.length > 0) message.reactions = reactionSummaries(doc.reactions, viewerId);
  if (doc.mentions && doc.mentions.length > 0) message.mentions = doc.mentions;
  if (doc.pinned) message.pinned = true;
  if (doc.attachments && doc.attachments.length > 0 && !doc.deletedAt) message.attachments = doc.attachments.map(toAttachment);
  return message;
}

/** Thumbnails are served by the gateway (or redirected to the store) at a path named for the attachment. */
export function toAttachment(doc: MessageAttachmentDoc): Attachment {
  const attachment: Attachment = { attachmentId: doc.attachmentId, name: doc.name, contentType: doc.contentType, size: doc.size };
  if (doc.width !== undefined) attachment.width = doc.width;
  if (doc.height !== undefined) attachment.height = doc.height;
  if (doc.hasThumbnail) attachment.thumbnail = `/v1/attachments/${doc.attachmentId}/thumbnail`;
  return attachment;
}

export function reactionSummaries(reactions: ReactionDoc[], viewerId?: string): ReactionSummary[] {
  return reactions.map((r) => ({ emoji: r.emoji, count: r.userIds.length, me: viewerId !== undefined && r.userIds.includes(viewerId) }));
}

/** Stored messages as clients see them: content opened (plaintext even when encrypted at rest). */
export function openChatMessages(
  codec: ContentCodec,
  docs: StoredMessage[],
  floors: StatusFloors,
  viewerId?: string,
): Promise<ChatMessage[]> {
  return Promise.all(
    docs.map(async (d) => toChatMessage(d, d.deletedAt ? '' : await codec.open(d.roomId, d.content, d.keyVersion), floors, viewerId)),
  );
}
