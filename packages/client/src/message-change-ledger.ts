import type { ChatMessage } from '@campzone/protocol';
import { applyMessageChange, type MessageChange, stateChange } from './message-change';

interface Entry {
  /** Rev of the last whole message passed on (presented, or a sync's `changed`). */
  stateRev: number;
  /** Per field, the latest single-field change passed on since that state. */
  fields: Map<string, MessageChange>;
  deleted: boolean;
  presented: boolean;
}

const DEFAULT_CAPACITY = 5000;

/**
 * Decides which message changes reach the app: each at most once, and never one older than what
 * the app already has, whichever pod told it and in whatever order.
 *
 * Revs are compared per field (the body, the pin, the thread summary, each emoji), not per
 * message: two changes to different fields of one message, told by two pods, may arrive in
 * either order, and a per-message rule would drop the older one although nothing newer replaced
 * it. A whole message (a sync's `changed`) is passed on only when its rev is above everything
 * held for it. A delete ends every field but the thread summary.
 *
 * Bounded: beyond `capacity` messages the least recently touched is forgotten (changes come for
 * recent messages; a forgotten one only loses its protection against a stale duplicate).
 */
export class MessageChangeLedger {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * A message the timeline is about to present: answers it with any newer field changes that
   * overtook it already applied (an edit told by another pod before the message itself).
   */
  presented(message: ChatMessage): ChatMessage {
    const entry = this.touch(message.messageId);
    const rev = validRev(message.rev) ? message.rev : 0;
    const shown = this.merged(message);
    entry.stateRev = Math.max(entry.stateRev, rev);
    for (const [field, change] of entry.fields) if (change.rev <= entry.stateRev) entry.fields.delete(field);
    entry.deleted ||= shown.deletedAt !== undefined;
    entry.presented = true;
    return shown;
  }

  /** A copy of a message with the field changes held for it that are newer than the copy applied; nothing is recorded. */
  merged(message: ChatMessage): ChatMessage {
    const entry = this.entries.get(message.messageId);
    if (!entry) return message;
    const rev = validRev(message.rev) ? message.rev : 0;
    let shown = message;
    for (const change of [...entry.fields.values()].sort((a, b) => a.rev - b.rev)) {
      if (change.rev > rev) shown = applyMessageChange(shown, change);
    }
    return shown;
  }

  /** A single-field change (live, or the answer to the user's own request): the change to pass on, or undefined. */
  change(change: MessageChange): MessageChange | undefined {
    if (change.kind === 'state') return this.state(change.message);
    if (!validRev(change.rev)) return undefined;
    const entry = this.touch(change.messageId);
    const field = fieldOf(change);
    if (entry.deleted && change.kind !== 'thread') return undefined;
    const held = Math.max(entry.stateRev, entry.fields.get(field)?.rev ?? 0);
    if (change.rev <= held) return undefined;
    entry.fields.set(field, change);
    if (change.kind === 'deleted') {
      entry.deleted = true;
      for (const key of [...entry.fields.keys()]) if (key !== field && key !== THREAD) entry.fields.delete(key);
    }
    return change;
  }

  /** A whole message as it now is (a sync's `changed`): passed on if it is newer than all that is held for it. */
  state(message: ChatMessage): MessageChange | undefined {
    if (!validRev(message.rev)) return undefined;
    const entry = this.touch(message.messageId);
    let held = entry.stateRev;
    for (const change of entry.fields.values()) held = Math.max(held, change.rev);
    if (message.rev <= held) return undefined;
    entry.stateRev = message.rev;
    entry.fields.clear();
    entry.deleted = message.deletedAt !== undefined;
    return stateChange(message);
  }

  /** Like `state`, for a copy of a message that arrived again (a sync overlapping what was presented); only for presented ones. */
  refreshed(message: ChatMessage): MessageChange | undefined {
    return this.entries.get(message.messageId)?.presented ? this.state(message) : undefined;
  }

  private touch(messageId: string): Entry {
    let entry = this.entries.get(messageId);
    if (entry) {
      this.entries.delete(messageId);
    } else {
      entry = { stateRev: 0, fields: new Map(), deleted: false, presented: false };
    }
    this.entries.set(messageId, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return entry;
  }
}

const BODY = 'body';
const THREAD = 'thread';

/** Edits and the delete change the same field (the content); every emoji counts on its own. */
function fieldOf(change: Exclude<MessageChange, { kind: 'state' }>): string {
  switch (change.kind) {
    case 'edited':
    case 'deleted':
      return BODY;
    case 'reaction':
      return `reaction:${change.emoji}`;
    case 'pinned':
      return 'pinned';
    case 'thread':
      return THREAD;
  }
}

function validRev(rev: unknown): rev is number {
  return typeof rev === 'number' && Number.isSafeInteger(rev) && rev >= 0;
}
