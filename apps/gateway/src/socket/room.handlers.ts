import { compile, JoinRoomSchema, LeaveRoomSchema, roomChannel } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import type { EventTable } from './handler-kit';

const joinRoom = compile(JoinRoomSchema);
const leaveRoom = compile(LeaveRoomSchema);

export function roomEvents(events: EventTable, chat: ChatServices): void {
  events.on(
    'join_room',
    joinRoom,
    async ({ socket, userId }, { roomId }) => {
      await chat.membership.requireMember(roomId, userId);
      await socket.join(roomChannel(roomId));
      socket.to(roomChannel(roomId)).emit('user_joined', { roomId, userId, timestamp: new Date().toISOString() });
      return { roomId, message: `Joined room ${roomId}` };
    },
    (s, result) => s.emit('joined_room', result),
  );

  events.on(
    'leave_room',
    leaveRoom,
    async ({ socket, userId }, { roomId }) => {
      await chat.membership.requireMember(roomId, userId);
      await socket.leave(roomChannel(roomId));
      socket.to(roomChannel(roomId)).emit('user_left', { roomId, userId, timestamp: new Date().toISOString() });
      return { roomId };
    },
    (s, result) => s.emit('left_room', result),
  );
}
