import {
  compile,
  DeleteMessageSchema,
  EditMessageSchema,
  GetThreadSchema,
  type MessageDeleted,
  PinMessageSchema,
  ReactionSchema,
  roomChannel,
} from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import type { EventTable } from './handler-kit';
import type { ChatServer } from './socket-types';

const editMessage = compile(EditMessageSchema);
const deleteMessage = compile(DeleteMessageSchema);
const reaction = compile(ReactionSchema);
const pinMessage = compile(PinMessageSchema);
const getThread = compile(GetThreadSchema);

/**
 * Changes to stored messages. Each answers its caller with the change (the ack) and tells the
 * room with the named event, on every pod, once the caller has its answer. A repeated request
 * is answered and told again with the message's current state: a client that missed the first
 * telling gets it, and clients drop what carries a rev they already hold.
 */
export function messageChangeEvents(events: EventTable, chat: ChatServices, io: ChatServer): void {
  const room = (roomId: string) => io.to(roomChannel(roomId));

  events.on('edit_message', editMessage, async ({ userId }, input, afterReply) => {
    const edited = await chat.changes.edit(userId, input);
    afterReply(() => room(edited.roomId).emit('message_edited', edited));
    return edited;
  });

  events.on('delete_message', deleteMessage, async ({ userId }, input, afterReply) => {
    const { deleted, threadRootId } = await chat.changes.remove(userId, input);
    afterReply(() => room(deleted.roomId).emit('message_deleted', deleted));
    if (threadRootId) chat.queues?.requestThreadSummary(deleted.roomId, threadRootId);
    return deleted satisfies MessageDeleted;
  });

  for (const [event, add] of [
    ['add_reaction', true],
    ['remove_reaction', false],
  ] as const) {
    events.on(event, reaction, async ({ userId }, input, afterReply) => {
      const updated = await chat.changes.react(userId, input, add);
      afterReply(() => room(updated.roomId).emit('reaction_updated', updated));
      return updated;
    });
  }

  for (const [event, pinned] of [
    ['pin_message', true],
    ['unpin_message', false],
  ] as const) {
    events.on(event, pinMessage, async ({ userId }, input, afterReply) => {
      const change = await chat.changes.pin(userId, input, pinned);
      afterReply(() => room(change.roomId).emit('message_pinned', change));
      return change;
    });
  }

  events.on(
    'get_thread',
    getThread,
    async ({ userId }, input) => {
      await chat.membership.requireMember(input.roomId, userId);
      return chat.history.thread(input, userId);
    },
    (s, result) => s.emit('thread', result),
  );
}
