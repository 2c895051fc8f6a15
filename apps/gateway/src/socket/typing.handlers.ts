import { compile, roomChannel, TypingSchema, userChannel } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import { type HandlerContext, type HandlerKit, onEvent } from './handler-kit';
import type { ChatServer } from './socket-types';

const typing = compile(TypingSchema);

/** Tells the room, except the typist's own sockets (on any pod), that a user types or stopped. */
export function announceTyping(io: ChatServer, roomId: string, userId: string, isTyping: boolean): void {
  io.to(roomChannel(roomId)).except(userChannel(userId)).emit('user_typing', { roomId, userId, isTyping });
}

export function registerTypingHandlers(kit: HandlerKit, ctx: HandlerContext, chat: ChatServices, io: ChatServer): void {
  const { socket, userId } = ctx;
  // Rooms this socket typed in, so a closing tab stops its typing at once rather than after the TTL.
  const typingIn = new Set<string>();

  onEvent(kit, ctx, 'typing_start', typing, async ({ roomId }) => {
    await chat.membership.requireMember(roomId, userId);
    typingIn.add(roomId);
    if (await chat.typing.start(roomId, userId)) announceTyping(io, roomId, userId, true);
    return { roomId };
  });

  onEvent(kit, ctx, 'typing_stop', typing, async ({ roomId }) => {
    await chat.membership.requireMember(roomId, userId);
    typingIn.delete(roomId);
    if (await chat.typing.stop(roomId, userId)) announceTyping(io, roomId, userId, false);
    return { roomId };
  });

  socket.on('disconnect', () => {
    for (const roomId of typingIn) {
      chat.typing.stop(roomId, userId).then(
        (was) => was && announceTyping(io, roomId, userId, false),
        (err: unknown) => kit.logger.warn({ err, roomId, userId }, 'typing stop on disconnect failed'),
      );
    }
  });
}
