import { compile, GetMessagesSchema, type MessageSent, SendMessageSchema, SyncSchema } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import type { EventTable, HandlerKit } from './handler-kit';
import { announceSent } from './sent-message.announcer';
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
      const result = await chat.send.send(userId, input);
      const { message, duplicate } = result;
      announceSent(io, chat, kit.metrics, result, afterReply);
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
