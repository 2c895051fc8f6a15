import { compile, JoinRoomSchema, LeaveRoomSchema, roomChannel } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import { type HandlerContext, type HandlerKit, onEvent } from './handler-kit';

const joinRoom = compile(JoinRoomSchema);
const leaveRoom = compile(LeaveRoomSchema);

export function registerRoomHandlers(kit: HandlerKit, ctx: HandlerContext, chat: ChatServices): void {
  const { socket, userId } = ctx;

  onEvent(
    kit,
    ctx,
    'join_room',
    joinRoom,
    async ({ roomId }) => {
      await chat.membership.requireMember(roomId, userId);
      await socket.join(roomChannel(roomId));
      socket.to(roomChannel(roomId)).emit('user_joined', { roomId, userId, timestamp: new Date().toISOString() });
      return { roomId, message: `Joined room ${roomId}` };
    },
    (s, result) => s.emit('joined_room', result),
  );

  onEvent(
    kit,
    ctx,
    'leave_room',
    leaveRoom,
    async ({ roomId }) => {
      await chat.membership.requireMember(roomId, userId);
      await socket.leave(roomChannel(roomId));
      socket.to(roomChannel(roomId)).emit('user_left', { roomId, userId, timestamp: new Date().toISOString() });
      return { roomId };
    },
    (s, result) => s.emit('left_room', result),
  );
}
