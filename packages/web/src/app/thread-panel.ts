import { applyMessageChange, type ChatMessage, type MessageChange, type Thread } from '@campzone/client/browser';
import { h } from './dom-element';

export interface ThreadSource {
  getThread(roomId: string, rootId: string, options: { afterSeq?: number; limit?: number }): Promise<Thread>;
}

const PAGE = 100;
const MAX_PAGES = 10;

/**
 * The side panel of one thread: its root, then every reply in seq order, and a box to answer in
 * the thread. Loaded with `get_thread`; kept live by the page: new replies the SDK presents,
 * changes to them, and the root's summary (`thread_updated`) for the count in the heading.
 * Opening moves focus to the heading; Close (or Escape) hides it and focus goes back.
 */
export class ThreadPanel {
  readonly element: HTMLElement;
  readonly box: HTMLTextAreaElement;
  private readonly heading: HTMLHeadingElement;
  private readonly count: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly messages = new Map<string, ChatMessage>();
  private roomId: string | undefined;
  private rootId: string | undefined;
  private opener: HTMLElement | undefined;
  private loading = 0;

  constructor(
    private readonly source: ThreadSource,
    private readonly nameOf: (userId: string) => string,
    private readonly selfId: string,
    private readonly onReply: (roomId: string, rootId: string, content: string) => void,
    private readonly notify: (text: string) => void,
  ) {
    this.heading = h('h2', { attrs: { id: 'thread-title', tabindex: '-1' } }, 'Thread');
    this.count = h('p', { className: 'thread-count', attrs: { role: 'status' } });
    const close = h('button', { className: 'small', attrs: { type: 'button' } }, 'Close thread');
    close.addEventListener('click', () => this.close());
    this.list = h('ol', {
      className: 'thread-messages',
      attrs: { 'aria-label': 'Messages in the thread', 'aria-live': 'polite', 'aria-relevant': 'additions' },
    });
    this.box = h('textarea', { attrs: { id: 'thread-composer', rows: '2', maxlength: '4000' } });
    const send = h('button', { className: 'primary', attrs: { type: 'submit' } }, 'Reply');
    const form = h(
      'form',
      { className: 'thread-composer' },
      h('label', { attrs: { for: 'thread-composer' } }, 'Reply in thread'),
      this.box,
      send,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.box.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.defaultPrevented) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    this.element = h(
      'section',
      { className: 'thread-panel', attrs: { 'aria-labelledby': 'thread-title' } },
      h('div', { className: 'dialog-head' }, this.heading, close),
      this.count,
      this.list,
      form,
    );
    this.element.hidden = true;
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        this.close();
      }
    });
  }

  get openRoot(): { roomId: string; rootId: string } | undefined {
    return this.roomId && this.rootId ? { roomId: this.roomId, rootId: this.rootId } : undefined;
  }

  async open(roomId: string, rootId: string, opener?: HTMLElement): Promise<void> {
    this.roomId = roomId;
    this.rootId = rootId;
    this.opener = opener;
    this.messages.clear();
    this.list.replaceChildren();
    this.count.textContent = 'Loading…';
    this.element.hidden = false;
    this.heading.focus();
    const load = ++this.loading;
    try {
      let afterSeq: number | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const thread = await this.source.getThread(roomId, rootId, afterSeq === undefined ? { limit: PAGE } : { afterSeq, limit: PAGE });
        if (load !== this.loading) return; // another thread was opened meanwhile
        for (const message of thread.messages) this.messages.set(message.messageId, message);
        afterSeq = thread.messages.at(-1)?.seq;
        if (!thread.hasMore || afterSeq === undefined) break;
      }
      this.render();
    } catch (err) {
      if (load !== this.loading) return;
      this.count.textContent = '';
      this.notify(`Could not open the thread: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  close(): void {
    if (this.element.hidden) return;
    this.element.hidden = true;
    this.loading += 1;
    this.roomId = undefined;
    this.rootId = undefined;
    if (this.opener?.isConnected) this.opener.focus();
    this.opener = undefined;
  }

  /** A message the SDK presented: a new reply of the open thread joins it. */
  presented(message: ChatMessage): void {
    if (!this.rootId || message.roomId !== this.roomId || message.threadRootId !== this.rootId) return;
    if (this.messages.has(message.messageId)) return;
    this.messages.set(message.messageId, message);
    this.render();
  }

  /** A change the SDK told: applied to the thread's copy of the message, if it holds it. */
  changed(change: MessageChange): void {
    const message = this.messages.get(change.messageId);
    if (!message || change.roomId !== this.roomId) return;
    this.messages.set(change.messageId, applyMessageChange(message, change));
    this.render();
  }

  private submit(): void {
    const content = this.box.value.trim();
    if (!content || !this.roomId || !this.rootId) return;
    this.onReply(this.roomId, this.rootId, content);
    this.box.value = '';
  }

  private render(): void {
    const ordered = [...this.messages.values()].sort((a, b) => a.seq - b.seq);
    const root = ordered.find((m) => m.messageId === this.rootId);
    const replies = ordered.length - (root ? 1 : 0);
    const known = root?.thread?.replyCount ?? 0;
    const total = Math.max(known, replies);
    this.count.textContent = total === 1 ? '1 reply' : `${total} replies`;
    for (const message of ordered) {
      const text = message.deletedAt ? 'This message was deleted.' : message.content;
      let item = this.list.querySelector<HTMLLIElement>(`li[data-message-id="${message.messageId}"]`);
      if (!item) {
        const who = message.senderId === this.selfId ? 'You' : this.nameOf(message.senderId);
        item = h(
          'li',
          {
            className: message.messageId === this.rootId ? 'thread-root' : 'thread-reply',
            dataset: { messageId: message.messageId, seq: String(message.seq) },
          },
          h('p', { className: 'meta' }, h('span', { className: 'sender' }, who), h('span', { className: 'edited-mark' })),
          h('p', { className: 'content' }),
        );
        // In seq order (a late reply lands in its place); nodes already shown never move, so the
        // list's live region announces each message once.
        const next = [...this.list.children].find((li) => Number((li as HTMLElement).dataset.seq) > message.seq) ?? null;
        this.list.insertBefore(item, next);
      }
      const content = item.querySelector('.content');
      if (content && content.textContent !== text) content.textContent = text;
      const edited = item.querySelector('.edited-mark');
      const mark = message.editedAt && !message.deletedAt ? ' (edited)' : '';
      if (edited && edited.textContent !== mark) edited.textContent = mark;
    }
  }
}
