import type {
  ChatMessage,
  MessageDeleted,
  MessageEdited,
  MessagePinned,
  ReactionSummary,
  ReactionUpdated,
  ThreadSummary,
  ThreadUpdated,
} from '@campzone/protocol';

interface ChangeOf {
  roomId: string;
  messageId: string;
  /** The room's change number of this change; a message's changes only ever apply in rising rev. */
  rev: number;
}

/**
 * One change to a stored message, as the SDK's `message_changed` event tells it. The live events
 * carry one field's new value; `state` (from a sync after the client was away) carries the whole
 * message as it now is. Every kind holds absolute values, so applying one twice is harmless.
 */
export type MessageChange =
  | (ChangeOf & { kind: 'edited'; content: string; editedAt: string })
  | (ChangeOf & { kind: 'deleted'; deletedAt: string; deletedBy: string })
  | (ChangeOf & {
      kind: 'reaction';
      emoji: string;
      userId: string;
      added: boolean;
      /** How many users react with this emoji now (0: the emoji is gone from the message). */
      count: number;
      /** Set when the reacting user is the current user: whether they now react with it. */
      me?: boolean;
    })
  | (ChangeOf & { kind: 'pinned'; pinned: boolean; by: string })
  /** A thread root's summary; `messageId` is the root's. */
  | (ChangeOf & { kind: 'thread'; thread: ThreadSummary })
  | (ChangeOf & { kind: 'state'; message: ChatMessage });

export type MessageChangeKind = MessageChange['kind'];

export function editedChange(e: MessageEdited): MessageChange {
  return { kind: 'edited', roomId: e.roomId, messageId: e.messageId, rev: e.rev, content: e.content, editedAt: e.editedAt };
}

export function deletedChange(e: MessageDeleted): MessageChange {
  return { kind: 'deleted', roomId: e.roomId, messageId: e.messageId, rev: e.rev, deletedAt: e.deletedAt, deletedBy: e.deletedBy };
}

/** `selfId`: the current user, whose own reactions set `me`; others' leave it as the app has it. */
export function reactionChange(e: ReactionUpdated, selfId: string | undefined): MessageChange {
  const change: MessageChange = {
    kind: 'reaction',
    roomId: e.roomId,
    messageId: e.messageId,
    rev: e.rev,
    emoji: e.emoji,
    userId: e.userId,
    added: e.added,
    count: e.count,
  };
  if (selfId !== undefined && e.userId === selfId) change.me = e.added;
  return change;
}

export function pinnedChange(e: MessagePinned): MessageChange {
  return { kind: 'pinned', roomId: e.roomId, messageId: e.messageId, rev: e.rev, pinned: e.pinned, by: e.by };
}

export function threadChange(e: ThreadUpdated): MessageChange {
  const thread: ThreadSummary = { replyCount: e.replyCount, lastReplyAt: e.lastReplyAt, repliers: [...e.repliers] };
  return { kind: 'thread', roomId: e.roomId, messageId: e.rootId, rev: e.rev, thread };
}

export function stateChange(message: ChatMessage): MessageChange {
  return { kind: 'state', roomId: message.roomId, messageId: message.messageId, rev: message.rev ?? 0, message };
}

/**
 * The message after a change: what an app calls to update its copy on `message_changed`. Pure
 * (a new object; the input is not touched). A change for another message returns the message
 * as it is; a deleted message takes no edit, reaction or pin (the server refuses those too).
 */
export function applyMessageChange(message: ChatMessage, change: MessageChange): ChatMessage {
  if (change.messageId !== message.messageId) return message;
  if (change.kind === 'state') return { ...change.message };
  const deleted = message.deletedAt !== undefined;
  if (deleted && change.kind !== 'thread' && change.kind !== 'deleted') return message;
  const next: ChatMessage = { ...message, rev: Math.max(message.rev ?? 0, change.rev) };
  switch (change.kind) {
    case 'edited':
      next.content = change.content;
      next.editedAt = change.editedAt;
      break;
    case 'deleted':
      // A tombstone, as the server keeps it: seq and place stay, what was said and its extras go.
      next.content = '';
      next.deletedAt = change.deletedAt;
      next.deletedBy = change.deletedBy;
      delete next.editedAt;
      delete next.reactions;
      delete next.pinned;
      delete next.mentions;
      break;
    case 'reaction': {
      const reactions = withReaction(message.reactions ?? [], change);
      if (reactions.length > 0) next.reactions = reactions;
      else delete next.reactions;
      break;
    }
    case 'pinned':
      if (change.pinned) next.pinned = true;
      else delete next.pinned;
      break;
    case 'thread':
      next.thread = { ...change.thread, repliers: [...change.thread.repliers] };
      break;
  }
  return next;
}

function withReaction(reactions: readonly ReactionSummary[], change: Extract<MessageChange, { kind: 'reaction' }>): ReactionSummary[] {
  const at = reactions.findIndex((r) => r.emoji === change.emoji);
  if (change.count <= 0) return reactions.filter((_, i) => i !== at);
  const me = change.me ?? reactions[at]?.me ?? false;
  const updated: ReactionSummary = { emoji: change.emoji, count: change.count, me };
  // A new emoji goes last: the server keeps them in the order they were first used.
  if (at < 0) return [...reactions, updated];
  return reactions.map((r, i) => (i === at ? updated : r));
}
