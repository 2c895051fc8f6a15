import type { ChatMessage } from '@campzone/protocol';
import type { ContentCodec } from './encryption/content-codec';
import type { StoredMessage } from './message.repository';
import { type StatusFloors, statusAt } from './status-floor.repository';

/**
 * The one place a stored message becomes what clients see, on the gateway and in the worker's
 * re-sends. Its status comes from the room's floors when given; a message just stored has none
 * above it, so its own field is exact.
 */
export function toChatMessage(doc: StoredMessage, content: string, floors?: StatusFloors): ChatMessage {
  return {
    messageId: doc._id.toHexString(),
    roomId: doc.roomId,
    senderId: doc.senderId,
    content,
    messageType: doc.messageType,
    lamportTimestamp: doc.lamportTimestamp,
    seq: doc.seq,
    createdAt: doc.createdAt.toISOString(),
    status: floors ? statusAt(doc, floors) : doc.status,
  };
}

/** Stored messages as clients see them: content opened (plaintext even when encrypted at rest). */
export function openChatMessages(codec: ContentCodec, docs: StoredMessage[], floors: StatusFloors): Promise<ChatMessage[]> {
  return Promise.all(docs.map(async (d) => toChatMessage(d, await codec.open(d.roomId, d.content, d.keyVersion), floors)));
}
