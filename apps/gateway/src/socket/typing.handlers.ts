import { compile, roomChannel, TypingSchema, userChannel } from '@campzone/protocol';
import type { Logger } from 'pino';
import type { ChatServices } from '../chat/chat-services';
import type { EventTable, HandlerContext } from './handler-kit';
import type { ChatServer } from './socket-types';

const typing = compile(TypingSchema);

/** Rooms each socket typed in, so a closing tab stops its typing at once rather than after the TTL. */
const typingIn = new WeakMap<HandlerContext, Set<string>>();

/** Tells the room, except the typist's own sockets (on any pod), that a user types or stopped. */
export function announceTyping(io: ChatServer, roomId: string, userId: string, isTyping: boolean): void {
  io.to(roomChannel(roomId)).except(userChannel(userId)).emit('user_typing', { roomId, userId, isTyping });
}

export function typingEvents(events: EventTable, chat: ChatServices, io: ChatServer): void {
  events.on('typing_start', typing, async (ctx, { roomId }) => {
    await chat.membership.requireMember(roomId, ctx.userId);
    const rooms = typingIn.get(ctx) ?? new Set<string>();
    typingIn.set(ctx, rooms.add(roomId));
    if (await chat.typing.start(roomId, ctx.userId)) announceTyping(io, roomId, ctx.userId, true);
    return { roomId };
  });

  events.on('typing_stop', typing, async (ctx, { roomId }) => {
    await chat.membership.requireMember(roomId, ctx.userId);
    typingIn.get(ctx)?.delete(roomId);
    if (await chat.typing.stop(roomId, ctx.userId)) announceTyping(io, roomId, ctx.userId, false);
    return { roomId };
  });
}

/** A closing socket stops its typing at once rather than after the TTL. */
export function stopTypingOf(ctx: HandlerContext, chat: ChatServices, io: ChatServer, logger: Logger): void {
  for (const roomId of typingIn.get(ctx) ?? []) {
    chat.typing.stop(roomId, ctx.userId).then(
      (was) => was && announceTyping(io, roomId, ctx.userId, false),
      (err: unknown) => logger.warn({ err, roomId, userId: ctx.userId }, 'typing stop on disconnect failed'),
    );
  }
}
