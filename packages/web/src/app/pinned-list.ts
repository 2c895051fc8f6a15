import type { ChatMessage, MessageChange, PinsResponse } from '@campzone/client/browser';
import { h } from './dom-element';

/** A change after which the open room's pinned list may read differently. */
function touchesPins(change: MessageChange, pinned: ReadonlySet<string>): boolean {
  return change.kind === 'pinned' || change.kind === 'state' || pinned.has(change.messageId);
}

/**
 * The open room's pinned messages (`GET /v1/rooms/:roomId/pins`): a "Pinned (n)" button in the
 * room's head shows and hides the list (a disclosure), and each entry has a button that moves
 * focus to the message in the list. Reloaded when a pin, or a pinned message, changes.
 */
export class PinnedList {
  private readonly toggle: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly list: HTMLUListElement;
  private roomId: string | undefined;
  private pinned = new Set<string>();
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private request = 0;

  constructor(
    head: HTMLElement,
    private readonly source: { getPins(roomId: string): Promise<PinsResponse> },
    private readonly nameOf: (userId: string) => string,
    private readonly reveal: (messageId: string) => boolean,
    private readonly notify: (text: string) => void,
  ) {
    this.toggle = h('button', {
      className: 'small pins-toggle',
      attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'pins-panel' },
    });
    this.list = h('ul', { className: 'pins-list' });
    this.panel = h(
      'section',
      { className: 'pins-panel', attrs: { id: 'pins-panel', 'aria-labelledby': 'pins-heading' } },
      h('h3', { attrs: { id: 'pins-heading' } }, 'Pinned messages'),
      this.list,
    );
    this.panel.hidden = true;
    this.toggle.hidden = true;
    head.append(this.toggle);
    head.after(this.panel);
    this.toggle.addEventListener('click', () => this.setOpen(this.panel.hidden));
  }

  show(roomId: string | undefined): void {
    this.roomId = roomId;
    this.pinned = new Set();
    this.list.replaceChildren();
    this.setOpen(false);
    this.toggle.hidden = roomId === undefined;
    this.renderCount();
    if (roomId) void this.load(roomId);
  }

  changed(change: MessageChange): void {
    if (change.roomId !== this.roomId || !touchesPins(change, this.pinned)) return;
    clearTimeout(this.reloadTimer);
    // A burst of changes (a sync after a reconnect) is one reload.
    this.reloadTimer = setTimeout(() => {
      if (this.roomId) void this.load(this.roomId);
    }, 150);
  }

  private async load(roomId: string): Promise<void> {
    const request = ++this.request;
    try {
      const { messages } = await this.source.getPins(roomId);
      if (request === this.request && roomId === this.roomId) this.render(messages);
    } catch (err) {
      if (request === this.request) this.notify(`Could not load the pinned messages: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private render(messages: readonly ChatMessage[]): void {
    this.pinned = new Set(messages.map((m) => m.messageId));
    this.renderCount();
    if (messages.length === 0) {
      this.list.replaceChildren(h('li', { className: 'empty' }, 'Nothing is pinned in this room.'));
      return;
    }
    this.list.replaceChildren(
      ...messages.map((message) => {
        const show = h('button', { className: 'small link', attrs: { type: 'button' } }, 'Show in the conversation');
        show.addEventListener('click', () => {
          if (!this.reveal(message.messageId)) this.notify('That message is further back than this page shows.');
        });
        return h(
          'li',
          { dataset: { messageId: message.messageId } },
          h('span', { className: 'sender' }, this.nameOf(message.senderId)),
          ': ',
          h('span', { className: 'content' }, message.content),
          ' ',
          show,
        );
      }),
    );
  }

  private renderCount(): void {
    const text = `Pinned (${this.pinned.size})`;
    if (this.toggle.textContent !== text) this.toggle.textContent = text;
  }

  private setOpen(open: boolean): void {
    this.panel.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
  }
}
