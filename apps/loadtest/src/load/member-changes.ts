import { compile, type EditMessage, MessageEditedSchema, type Reaction, ReactionUpdatedSchema } from '@campzone/protocol';
import type { ChangeLedger } from './change-ledger';
import { makeEditContent } from './message-content';

/** A change request on the member's own connection. */
export type ChangeRequest =
  | { event: 'edit_message'; payload: EditMessage }
  | { event: 'add_reaction' | 'remove_reaction'; payload: Reaction };

/** Emits a request and resolves with the raw ack, or undefined when none came within the timeout. */
export type ChangeRequester = (request: ChangeRequest) => Promise<unknown>;

export interface MemberChangesDeps {
  roomId: string;
  userId: string;
  /** Share of this member's operations that are changes (0..1). */
  ratio: number;
  payloadBytes: number;
  ledger: ChangeLedger;
  request: ChangeRequester;
  /** Whether a request can go out now (a change is not queued like a send). */
  connected: () => boolean;
  random?: () => number;
}

/** Reactions are drawn from a few emoji, well under the 20 a message takes. */
const EMOJI = ['👍', '🎉', ':tent:', ':fire:'] as const;
/** "Recent": changes go to the last few messages, where people edit and react. */
const RECENT_OWN = 8;
const RECENT_SEEN = 16;

const editAnswer = compile(MessageEditedSchema);
const reactionAnswer = compile(ReactionUpdatedSchema);

/**
 * The change half of a load sender: edits of its own recent messages and reactions (added or
 * taken back) on recent messages of its room, sent on the connection its sends use. `ratio` of
 * its operations are meant as changes, spread evenly so short runs get the asked mix too; one
 * with nothing to change yet (no message acknowledged or shown, no connection) goes out as a send.
 */
export class MemberChanges {
  /** Changes not answered yet (nor timed out). */
  pending = 0;
  private readonly own: string[] = [];
  private readonly seen: string[] = [];
  /** Emoji this member reacted with on recent messages, as its last answers said. */
  private readonly reacted = new Map<string, Set<string>>();
  private operations = 0;
  private editNumber = 0;
  private readonly random: () => number;

  constructor(private readonly deps: MemberChangesDeps) {
    this.random = deps.random ?? Math.random;
  }

  /** An own message the server acknowledged: a target for edits. */
  noteOwn(messageId: string): void {
    remember(this.own, messageId, RECENT_OWN);
  }

  /** A message of the room the member was shown: a target for reactions. */
  noteShown(messageId: string): void {
    const dropped = remember(this.seen, messageId, RECENT_SEEN);
    if (dropped !== undefined) this.reacted.delete(dropped);
  }

  /** Counts one operation and answers whether it should be a change. */
  nextIsChange(): boolean {
    const before = Math.floor(this.operations * this.deps.ratio);
    this.operations += 1;
    return Math.floor(this.operations * this.deps.ratio) > before;
  }

  /** Sends one change; false when there is nothing to change yet or no connection (send a message instead). */
  tryChange(): boolean {
    if (!this.deps.connected()) return false;
    const preferEdit = this.random() < 0.5;
    return preferEdit ? this.tryEdit() || this.tryReaction() : this.tryReaction() || this.tryEdit();
  }

  private tryEdit(): boolean {
    const messageId = pick(this.own, this.random);
    if (!messageId) return false;
    const { roomId, userId, ledger, payloadBytes } = this.deps;
    this.editNumber += 1;
    const payload: EditMessage = { roomId, messageId, content: makeEditContent(userId, this.editNumber, payloadBytes) };
    ledger.recordSent('edit');
    this.ask({ event: 'edit_message', payload }, (answer) => {
      if (!editAnswer.check(answer)) return false;
      ledger.recordEditAnswer(answer.roomId, answer.messageId, answer.content, answer.rev);
      return true;
    });
    return true;
  }

  /** Half the time takes back one of its reactions (when it has one), else reacts anew (or takes back the one it picked). */
  private tryReaction(): boolean {
    const mine = [...this.reacted].flatMap(([messageId, emojis]) => [...emojis].map((emoji) => ({ messageId, emoji })));
    const target = mine.length > 0 && this.random() < 0.5 ? pick(mine, this.random) : this.anyTarget();
    if (!target) return false;
    const { messageId, emoji } = target;
    const { roomId, ledger } = this.deps;
    const add = !(this.reacted.get(messageId)?.has(emoji) ?? false);
    ledger.recordSent(add ? 'add' : 'remove');
    this.ask({ event: add ? 'add_reaction' : 'remove_reaction', payload: { roomId, messageId, emoji } }, (answer) => {
      if (!reactionAnswer.check(answer)) return false;
      this.noteReaction(answer.messageId, answer.emoji, answer.added);
      ledger.recordReactionAnswer(answer.roomId, answer.messageId, answer.emoji, answer.count, answer.rev);
      return true;
    });
    return true;
  }

  /** A recent message of the room and an emoji, or nothing before the member was shown any. */
  private anyTarget(): { messageId: string; emoji: string } | undefined {
    const messageId = pick(this.seen, this.random);
    return messageId === undefined ? undefined : { messageId, emoji: pick(EMOJI, this.random)! };
  }

  private noteReaction(messageId: string, emoji: string, added: boolean): void {
    // Only recent messages are targets: an answer for one that scrolled away is not kept.
    if (!this.seen.includes(messageId)) return;
    const emojis = this.reacted.get(messageId) ?? new Set<string>();
    this.reacted.set(messageId, emojis);
    if (added) emojis.add(emoji);
    else emojis.delete(emoji);
  }

  /** Sends the request and books its outcome; `accept` takes an ok answer and says whether it was well formed. */
  private ask(request: ChangeRequest, accept: (answer: unknown) => boolean): void {
    const { ledger } = this.deps;
    this.pending += 1;
    void this.deps.request(request).then((response) => {
      this.pending -= 1;
      if (response === undefined) ledger.recordUnanswered();
      else if (isRecord(response) && response.ok === true) {
        if (!accept(response)) ledger.recordRefused('MALFORMED_ANSWER');
      } else ledger.recordRefused(refusalCode(response));
    });
  }
}

/** Appends a new id; answers the oldest one when it falls out of the list. */
function remember(list: string[], messageId: string, max: number): string | undefined {
  if (list.includes(messageId)) return undefined;
  list.push(messageId);
  return list.length > max ? list.shift() : undefined;
}

function pick<T>(list: readonly T[], random: () => number): T | undefined {
  return list.length === 0 ? undefined : list[Math.floor(random() * list.length)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function refusalCode(response: unknown): string {
  const error = isRecord(response) ? response.error : undefined;
  return isRecord(error) && typeof error.code === 'string' ? error.code : 'MALFORMED_ANSWER';
}
