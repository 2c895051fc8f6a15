import type { ChatMessage, ReactionSummary } from '@campzone/client/browser';
import { h } from './dom-element';
import type { MessageEntry } from './room-messages.model';

/** What a message line needs from the page besides its entry. */
export interface LineContext {
  nameOf(userId: string): string;
  /** The message a reply answers, if the page holds it. */
  quoteOf(messageId: string): ChatMessage | undefined;
}

/** The parts of a message line that changes to the message touch. */
export interface Extras {
  quote: HTMLElement;
  edited: HTMLElement;
  pinned: HTMLElement;
  reactions: HTMLElement;
  thread: HTMLButtonElement;
  actions: HTMLButtonElement;
  chips: Map<string, HTMLButtonElement>;
}

const QUOTE_CHARS = 120;

/**
 * The parts are made once per line and updated in place, so a screen reader hears a message when
 * it is added (the list's live region announces additions) and not again for every reaction;
 * they sit in `aria-live="off"` containers for the same reason.
 */
export function createExtras(): Extras {
  const quiet = { 'aria-live': 'off' };
  return {
    quote: h('p', { className: 'reply-quote', attrs: quiet }),
    edited: h('span', { className: 'edited-mark', attrs: quiet }, ' (edited)'),
    pinned: h('span', { className: 'pinned-mark', attrs: quiet }, h('span', { attrs: { 'aria-hidden': 'true' } }, ' 📌'), ' Pinned'),
    reactions: h('div', { className: 'reactions', attrs: { role: 'group', 'aria-label': 'Reactions', ...quiet } }),
    thread: h('button', { className: 'thread-link small link', attrs: { type: 'button', 'data-action': 'thread' } }),
    actions: h(
      'button',
      { className: 'actions-toggle small', attrs: { type: 'button', 'data-action': 'actions', 'aria-expanded': 'false' } },
      'Actions',
    ),
    chips: new Map(),
  };
}

export function renderExtras(extras: Extras, entry: MessageEntry, context: LineContext, item: HTMLLIElement): void {
  const message = entry.message;
  const deleted = message?.deletedAt !== undefined;
  item.classList.toggle('deleted', deleted);
  renderQuote(extras.quote, message?.replyTo ?? entry.replyTo, context);
  extras.edited.hidden = message?.editedAt === undefined || deleted;
  extras.pinned.hidden = message?.pinned !== true;
  renderReactions(extras, message?.reactions ?? [], deleted);
  renderThread(extras.thread, message);
  extras.actions.hidden = message === undefined;
  extras.actions.setAttribute('aria-label', `Actions for the message from ${entry.own ? 'you' : context.nameOf(entry.senderId)}`);
}

/** The text a line shows for its content: a deleted message says so instead. */
export function contentText(entry: MessageEntry): string {
  return entry.message?.deletedAt !== undefined ? `This message was deleted${deletedBy(entry.message)}.` : entry.content;
}

function deletedBy(message: ChatMessage): string {
  return message.deletedBy && message.deletedBy !== message.senderId ? ` by ${message.deletedBy}` : '';
}

function renderQuote(quote: HTMLElement, replyTo: string | undefined, context: LineContext): void {
  quote.hidden = replyTo === undefined;
  if (replyTo === undefined) return;
  const parent = context.quoteOf(replyTo);
  let text = 'Reply to an earlier message';
  if (parent) {
    const said = parent.deletedAt === undefined ? parent.content : 'a deleted message';
    text = `Reply to ${context.nameOf(parent.senderId)}: ${said.length > QUOTE_CHARS ? `${said.slice(0, QUOTE_CHARS)}…` : said}`;
  }
  if (quote.textContent !== text) quote.textContent = text;
  quote.dataset.replyTo = replyTo;
}

/** One chip per emoji, kept across updates (a keyboard user toggling one keeps its focus). */
function renderReactions(extras: Extras, reactions: readonly ReactionSummary[], deleted: boolean): void {
  const shown = deleted ? [] : reactions;
  for (const [emoji, chip] of extras.chips) {
    if (shown.some((r) => r.emoji === emoji)) continue;
    chip.remove();
    extras.chips.delete(emoji);
  }
  for (const reaction of shown) {
    let chip = extras.chips.get(reaction.emoji);
    if (!chip) {
      chip = h('button', {
        className: 'reaction',
        attrs: { type: 'button', 'data-action': 'toggle-reaction' },
        dataset: { emoji: reaction.emoji },
      });
      extras.chips.set(reaction.emoji, chip);
    }
    extras.reactions.append(chip); // in the message's order
    const text = `${reaction.emoji} ${reaction.count}`;
    if (chip.textContent !== text) chip.textContent = text;
    chip.setAttribute('aria-pressed', String(reaction.me));
    const people = reaction.count === 1 ? '1 person' : `${reaction.count} people`;
    chip.setAttribute('aria-label', `${reaction.emoji} ${people}${reaction.me ? ', you among them' : ''}`);
    chip.title = reaction.me ? 'Take your reaction back' : 'React with this too';
  }
  extras.reactions.hidden = shown.length === 0;
}

function renderThread(button: HTMLButtonElement, message: ChatMessage | undefined): void {
  const replies = message?.thread?.replyCount ?? 0;
  button.hidden = replies === 0;
  if (replies === 0) return;
  const text = replies === 1 ? '1 reply' : `${replies} replies`;
  if (button.textContent !== text) button.textContent = text;
  button.setAttribute('aria-label', `Open the thread: ${text}`);
}
