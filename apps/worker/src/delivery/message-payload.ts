import type { ChatMessage } from '@campzone/protocol';
import type { ContentCodec, StoredMessage } from '@campzone/store';

/**
 * The one place the worker turns a stored message into the `new_message` payload clients
 * see, the same shape the gateway broadcasts. Content is opened with the codec, so a room
 * encrypted at rest is re-sent as plaintext, never as ciphertext.
 */
export async function messagePayload(doc: StoredMessage, codec: ContentCodec): Promise<ChatMessage> {
  return {
    messageId: doc._id.toHexString(),
    roomId: doc.roomId,
    senderId: doc.senderId,
    content: await codec.open(doc.roomId, doc.content, doc.keyVersion),
    messageType: doc.messageType,
    lamportTimestamp: doc.lamportTimestamp,
    seq: doc.seq,
    createdAt: doc.createdAt.toISOString(),
    status: doc.status,
  };
}
