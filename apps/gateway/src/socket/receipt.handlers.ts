import { AckSchema, compile, MarkReadSchema, roomChannel } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import type { EventTable } from './handler-kit';
import type { ChatServer } from './socket-types';

const markRead = compile(MarkReadSchema);
const ack = compile(AckSchema);

export function receiptEvents(events: EventTable, chat: ChatServices, io: ChatServer): void {
  events.on('mark_read', markRead, async ({ userId }, input) => {
    await chat.membership.requireMember(input.roomId, userId);
    const { receipt, duplicate, announce } = await chat.receipts.markRead(userId, input);
    if (announce) io.to(roomChannel(input.roomId)).emit('read_receipt', receipt);
    return { roomId: input.roomId, messageId: input.messageId, duplicate };
  });

  events.on('ack', ack, async ({ userId }, { roomId, seq }) => {
    const participantId = await chat.membership.requireMember(roomId, userId);
    return { roomId, seq: await chat.deliveryAcks.ack({ roomId, userId, participantId }, seq) };
  });
}
