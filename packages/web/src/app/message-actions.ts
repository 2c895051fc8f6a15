import type { MessageEntry } from './room-messages.model';

// Which actions a message offers (no DOM: unit-tested). The gateway decides in the end; this
// only keeps buttons away from users who would be refused.

export type MessageAction = 'reply' | 'react' | 'thread' | 'edit' | 'delete' | 'pin' | 'unpin';

/** What the user may do in the open room (from their role there). */
export interface RoomPowers {
  post: boolean;
  react: boolean;
  deleteOthers: boolean;
  pin: boolean;
}

/** The actions a message offers this user, in the order shown. */
export function actionsFor(entry: MessageEntry, powers: RoomPowers): MessageAction[] {
  const message = entry.message;
  if (!message) return [];
  if (message.deletedAt !== undefined) return message.thread || message.threadRootId ? ['thread'] : [];
  const actions: MessageAction[] = [];
  if (powers.post) actions.push('reply');
  if (powers.react) actions.push('react');
  actions.push('thread');
  if (entry.own && powers.post) actions.push('edit');
  if (entry.own || powers.deleteOthers) actions.push('delete');
  if (powers.pin) actions.push(message.pinned ? 'unpin' : 'pin');
  return actions;
}
