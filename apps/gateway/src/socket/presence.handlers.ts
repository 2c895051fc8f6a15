import { compile, GetOnlineUsersSchema } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import { type HandlerContext, type HandlerKit, onEvent } from './handler-kit';

const getOnlineUsers = compile(GetOnlineUsersSchema);

export function registerPresenceHandlers(kit: HandlerKit, ctx: HandlerContext, chat: ChatServices): void {
  onEvent(
    kit,
    ctx,
    'get_online_users',
    getOnlineUsers,
    async ({ roomId }) => {
      await chat.membership.requireMember(roomId, ctx.userId);
      const onlineUsers = await chat.presence.onlineIn(roomId);
      return { roomId, onlineUsers, count: onlineUsers.length };
    },
    (s, result) => s.emit('online_users', result),
  );
}
