import type { ChatMessage } from '@campzone/protocol';
import type { ContentCodec, StoredMessage } from '@campzone/store';

/** The one place a stored message becomes what clients see. */
export function toChatMessage(doc: StoredMessage, content: string): ChatMessage {
  return {
    messageId: doc._id.toHexString(),
    roomId: doc.roomId,
    senderId: doc.senderId,
    content,
    messageType: doc.messageType,
    lamportTimestamp: doc.lamportTimestamp,
    seq: doc.seq,
    createdAt: doc.createdAt.toISOString(),
    status: doc.status,
  };
}

export async function openMessages(codec: ContentCodec, docs: StoredMessage[]): Promise<ChatMessage[]> {
  return Promise.all(docs.map(async (d) => toChatMessage(d, await codec.open(d.roomId, d.content, d.keyVersion))));
}
