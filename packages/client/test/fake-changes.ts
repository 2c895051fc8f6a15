import type { ChatMessage, MessageDeleted, MessageEdited, MessagePinned, ReactionUpdated } from '@campzone/protocol';

type Answer = { ok: true } & Record<string, unknown>;
type Refusal = { ok: false; error: { code: string; message: string } };

/** What the fake gateway tells a room after a change: the named event and its payload. */
export type Told =
  | { event: 'message_edited'; payload: MessageEdited }
  | { event: 'message_deleted'; payload: MessageDeleted }
  | { event: 'reaction_updated'; payload: ReactionUpdated }
  | { event: 'message_pinned'; payload: MessagePinned };

/**
 * The fake gateway's changes to stored messages, with the real one's rules: a room-wide rev
 * taken by every new message and every change, changes applied by state (a repeat is answered
 * with the current state and takes no rev), and `sync` with `afterRev` answering `changed` and
 * `latestRev`.
 */
export class FakeChanges {
  private readonly revs = new Map<string, number>();
  /** messageId -> emoji -> users, in the order emoji were first used. */
  private readonly reactors = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly stored: Map<string, ChatMessage[]>,
    private readonly viewerId: string,
  ) {}

  nextRev(roomId: string): number {
    const rev = (this.revs.get(roomId) ?? 0) + 1;
    this.revs.set(roomId, rev);
    return rev;
  }

  latestRev(roomId: string): number {
    return this.revs.get(roomId) ?? 0;
  }

  /** Applies one change request from `userId`; answers the ack and what the room is told. */
  apply(userId: string, event: string, p: Record<string, unknown>): { answer: Answer | Refusal; told?: Told } {
    const roomId = p.roomId as string;
    const messageId = p.messageId as string;
    const message = this.stored.get(roomId)?.find((m) => m.messageId === messageId);
    if (!message) return refuse('NOT_FOUND', `no message ${messageId} in room ${roomId}`);
    switch (event) {
      case 'edit_message': {
        if (message.senderId !== userId) return refuse('FORBIDDEN', 'only its sender may edit a message');
        if (message.deletedAt) return refuse('CONFLICT', 'a deleted message cannot be edited');
        const content = p.content as string;
        if (message.content !== content) {
          message.content = content;
          message.editedAt = new Date(1_700_000_100_000 + this.latestRev(roomId)).toISOString();
          message.rev = this.nextRev(roomId);
        }
        const payload: MessageEdited = {
          roomId,
          messageId,
          content,
          editedAt: message.editedAt ?? message.createdAt,
          rev: message.rev ?? 0,
        };
        return told('message_edited', payload);
      }
      case 'delete_message': {
        if (!message.deletedAt) {
          message.content = '';
          message.deletedAt = new Date(1_700_000_200_000 + this.latestRev(roomId)).toISOString();
          message.deletedBy = userId;
          delete message.editedAt;
          delete message.reactions;
          delete message.pinned;
          this.reactors.delete(messageId);
          message.rev = this.nextRev(roomId);
        }
        const payload: MessageDeleted = {
          roomId,
          messageId,
          deletedAt: message.deletedAt,
          deletedBy: message.deletedBy ?? userId,
          rev: message.rev ?? 0,
        };
        return told('message_deleted', payload);
      }
      case 'add_reaction':
      case 'remove_reaction': {
        if (message.deletedAt) return refuse('CONFLICT', 'a deleted message takes no reactions');
        const emoji = p.emoji as string;
        const add = event === 'add_reaction';
        const byEmoji = this.reactors.get(messageId) ?? new Map<string, Set<string>>();
        this.reactors.set(messageId, byEmoji);
        const users = byEmoji.get(emoji) ?? new Set<string>();
        if (users.has(userId) !== add) {
          if (add) users.add(userId);
          else users.delete(userId);
          if (users.size > 0) byEmoji.set(emoji, users);
          else byEmoji.delete(emoji);
          this.summarize(message, byEmoji);
          message.rev = this.nextRev(roomId);
        }
        const payload: ReactionUpdated = { roomId, messageId, emoji, userId, added: add, count: users.size, rev: message.rev ?? 0 };
        return told('reaction_updated', payload);
      }
      case 'pin_message':
      case 'unpin_message': {
        const pinned = event === 'pin_message';
        if ((message.pinned ?? false) !== pinned) {
          if (pinned) message.pinned = true;
          else delete message.pinned;
          message.rev = this.nextRev(roomId);
        }
        const payload: MessagePinned = { roomId, messageId, pinned, by: userId, rev: message.rev ?? 0 };
        return told('message_pinned', payload);
      }
      default:
        return refuse('VALIDATION_FAILED', `not a change: ${event}`);
    }
  }

  /** The `changed` part of a sync asked with afterRev: messages up to afterSeq changed after it, by rev. */
  changedSince(roomId: string, afterSeq: number, afterRev: number): ChatMessage[] {
    return (this.stored.get(roomId) ?? [])
      .filter((m) => m.seq <= afterSeq && (m.rev ?? 0) > afterRev)
      .sort((a, b) => (a.rev ?? 0) - (b.rev ?? 0))
      .map((m) => ({ ...m }));
  }

  private summarize(message: ChatMessage, byEmoji: Map<string, Set<string>>): void {
    const reactions = [...byEmoji].map(([emoji, users]) => ({ emoji, count: users.size, me: users.has(this.viewerId) }));
    if (reactions.length > 0) message.reactions = reactions;
    else delete message.reactions;
  }
}

function refuse(code: string, message: string): { answer: Refusal } {
  return { answer: { ok: false, error: { code, message } } };
}

function told<T extends Told>(event: T['event'], payload: T['payload']): { answer: Answer; told: Told } {
  return { answer: { ok: true, ...payload }, told: { event, payload } as Told };
}
