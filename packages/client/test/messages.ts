import type { ChatMessage } from '@campzone/protocol';

/** A deterministic 24-hex message id per (room, seq). */
export function messageIdFor(roomId: string, seq: number): string {
  let h = 0;
  for (const ch of roomId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return (h.toString(16).padStart(8, '0') + seq.toString(16).padStart(16, '0')).slice(0, 24);
}

export function chatMessage(roomId: string, seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    messageId: messageIdFor(roomId, seq),
    roomId,
    senderId: 'bob',
    content: `message ${seq}`,
    messageType: 'text',
    lamportTimestamp: seq * 2,
    seq,
    createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
    status: 'PENDING',
    ...overrides,
  };
}
