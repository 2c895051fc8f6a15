import { compile, GetMessagesSchema, type MessageSent, roomChannel, SendMessageSchema, SyncSchema } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import type { EventTable, HandlerKit } from './handler-kit';
import type { ChatServer } from './socket-types';

const sendMessage = compile(SendMessageSchema);
const getMessages = compile(GetMessagesSchema);
const sync = compile(SyncSchema);

export function messageEvents(events: EventTable, kit: HandlerKit, chat: ChatServices, io: ChatServer): void {
  events.on(
    'send_message',
    sendMessage,
    async ({ userId }, input, afterReply): Promise<MessageSent> => {
      const started = performance.now();
      const { message, duplicate } = await chat.send.send(userId, input);
      const tracked = { messageId: message.messageId, roomId: message.roomId, seq: message.seq, senderId: message.senderId };
      if (duplicate) {
        kit.metrics.duplicates.inc();
        // The send that stored it may have died before its broadcast, so nobody may have it. A
        // second broadcast would break "one broadcast per message" whenever the first did go out
        // (a concurrent repeat); tracking again instead has the worker's first check re-send it
        // to exactly the online members who do not hold it, and costs nothing once delivered.
        if (message.status === 'PENDING') chat.queues?.trackDelivery(tracked);
      } else {
        // Only the send that stored the message broadcasts it: one broadcast per message, after
        // the sender's ack, so the sender's own copy arrives behind the ack that names its local id.
        afterReply(() => io.to(roomChannel(message.roomId)).emit('new_message', message));
        // Buffered, never awaited: the worker re-sends it to online members who do not ack.
        chat.queues?.trackDelivery(tracked);
        if (message.threadRootId) chat.queues?.requestThreadSummary(message.roomId, message.threadRootId);
        kit.metrics.messagesSent.inc();
      }
      kit.metrics.sendAck.observe((performance.now() - started) / 1000);
      return {
        messageId: message.messageId,
        idempotencyKey: input.idempotencyKey,
        status: message.status,
        lamportTimestamp: message.lamportTimestamp,
        seq: message.seq,
        duplicate,
        roomId: message.roomId,
        createdAt: message.createdAt,
      };
    },
    (s, result) => s.emit('message_sent', result),
  );

  events.on(
    'get_messages',
    getMessages,
    async ({ userId }, input) => {
      await chat.membership.requireMember(input.roomId, userId);
      return chat.history.recent(input, userId);
    },
    (s, result) => s.emit('messages', result),
  );

  events.on(
    'sync',
    sync,
    async ({ userId }, input) => {
      await chat.membership.requireMember(input.roomId, userId);
      return chat.history.sync(input, userId);
    },
    (s, result) => s.emit('synced', result),
  );
}
