import { compile, GetOnlineUsersSchema } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import type { EventTable } from './handler-kit';

const getOnlineUsers = compile(GetOnlineUsersSchema);

export function presenceEvents(events: EventTable, chat: ChatServices): void {
  events.on(
    'get_online_users',
    getOnlineUsers,
    async ({ userId }, { roomId }) => {
      await chat.membership.requireMember(roomId, userId);
      const onlineUsers = await chat.presence.onlineIn(roomId);
      return { roomId, onlineUsers, count: onlineUsers.length };
    },
    (s, result) => s.emit('online_users', result),
  );
}
