import { type AttachmentFetcher, renderAttachments } from './attachments.view';
import { h } from './dom-element';
import { contentText, createExtras, type Extras, type LineContext, renderExtras } from './message-extras.view';
import { markOf } from './message-marks';
import type { MessageEntry, RoomMessages } from './room-messages.model';

interface Line {
  item: HTMLLIElement;
  content: HTMLElement;
  attachments: HTMLElement;
  extras: Extras;
  mark: HTMLElement;
  sender: HTMLElement;
  symbol: HTMLElement;
  label: HTMLElement;
  retry: HTMLButtonElement;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The message list of the open room. Each message is one <li> keyed by its entry; a status
 * change rewrites only the mark's text, so the list's aria-live region (additions only)
 * announces each message once and not every tick.
 */
export class MessageListView {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly nameOf: (userId: string) => string,
    private readonly onRetry: (localId: string) => void,
    private readonly context: LineContext = { nameOf, quoteOf: () => undefined },
    private readonly fetchAttachment: AttachmentFetcher = () => Promise.reject(new Error('no attachment fetcher')),
  ) {}

  /** Draws a room from scratch (on switching rooms). */
  showRoom(model: RoomMessages | undefined): void {
    this.lines.clear();
    this.list.replaceChildren(...(model?.ordered() ?? []).map((entry) => this.create(entry).item));
    this.scrollToEnd();
  }

  /** Adds or updates one entry and puts it where the model orders it. */
  upsert(model: RoomMessages, entry: MessageEntry): void {
    const stick = this.nearEnd();
    this.place(model.ordered(), entry);
    if (stick || entry.own) this.scrollToEnd();
  }

  /** Older messages paged in above the others: what the reader was looking at stays in place. */
  addOlder(model: RoomMessages, entries: readonly MessageEntry[]): void {
    const fromBottom = this.list.scrollHeight - this.list.scrollTop;
    const order = model.ordered();
    // Newest first: each line goes before its successor, which is then already in place.
    for (const entry of [...entries].sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0))) this.place(order, entry);
    this.list.scrollTop = this.list.scrollHeight - fromBottom;
  }

  /** Names arrived: every line says who wrote it by name. */
  relabel(): void {
    for (const line of this.lines.values()) {
      if (line.item.classList.contains('own')) continue;
      const name = this.nameOf(line.item.dataset.senderId ?? '');
      if (line.sender.textContent !== name) line.sender.textContent = name;
    }
  }

  private place(order: readonly MessageEntry[], entry: MessageEntry): void {
    let line = this.lines.get(entry.key);
    if (line) this.update(line, entry);
    else line = this.create(entry);
    const next = order[order.findIndex((e) => e.key === entry.key) + 1];
    const before = next ? (this.lines.get(next.key)?.item ?? null) : null;
    if (line.item.nextSibling !== before || line.item.parentNode !== this.list) this.list.insertBefore(line.item, before);
  }

  /** The element showing a stored message, if the open room shows it. */
  lineOf(messageId: string): HTMLLIElement | undefined {
    for (const line of this.lines.values()) if (line.item.dataset.messageId === messageId) return line.item;
    return undefined;
  }

  /** Drops a line (a pending send whose stored message already has its own line). */
  remove(key: string): void {
    this.lines.get(key)?.item.remove();
    this.lines.delete(key);
  }

  private create(entry: MessageEntry): Line {
    const symbol = h('span', { attrs: { 'aria-hidden': 'true' } });
    const label = h('span', { className: 'visually-hidden' });
    const mark = h('span', { className: 'mark' }, symbol, label);
    const retry = h('button', { className: 'retry', attrs: { type: 'button' } }, 'Retry');
    retry.addEventListener('click', () => {
      if (entry.localId) this.onRetry(entry.localId);
    });
    const time = h('time', { attrs: { datetime: entry.createdAt } }, formatTime(entry.createdAt));
    const extras = createExtras();
    const content = h('p', { className: 'content' });
    const attachments = h('div', { className: 'attachments' });
    attachments.hidden = true;
    const sender = h('span', { className: 'sender' }, entry.own ? 'You' : this.nameOf(entry.senderId));
    const item = h(
      'li',
      { className: entry.own ? 'message own' : 'message', dataset: { senderId: entry.senderId } },
      extras.quote,
      h('p', { className: 'meta' }, sender, ' ', time, extras.edited, extras.pinned),
      content,
      attachments,
      extras.reactions,
      h(
        'p',
        { className: 'footer' },
        extras.thread,
        mark,
        retry,
        extras.actions,
        ...(entry.own ? [] : [reportButton(this.nameOf(entry.senderId))]),
      ),
    );
    const line: Line = { item, content, attachments, extras, mark, sender, symbol, label, retry };
    this.lines.set(entry.key, line);
    this.update(line, entry);
    return line;
  }

  private update(line: Line, entry: MessageEntry): void {
    const { item } = line;
    if (entry.messageId) item.dataset.messageId = entry.messageId;
    if (entry.seq !== undefined) item.dataset.seq = String(entry.seq);
    if (entry.localId) item.dataset.localId = entry.localId;
    item.dataset.pending = String(entry.seq === undefined);
    const text = contentText(entry);
    if (line.content.textContent !== text) line.content.textContent = text;
    renderExtras(line.extras, entry, this.context, item);
    renderAttachments(line.attachments, entry.message?.deletedAt ? undefined : entry.message?.attachments, this.fetchAttachment);
    const timeEl = item.querySelector('time');
    if (timeEl && timeEl.dateTime !== entry.createdAt) {
      timeEl.dateTime = entry.createdAt;
      timeEl.textContent = formatTime(entry.createdAt);
    }
    line.mark.hidden = !entry.own || entry.status === undefined;
    line.retry.hidden = entry.status !== 'failed';
    if (!entry.own || entry.status === undefined) return;
    const mark = markOf(entry.status, entry.readers.map(this.nameOf), entry.readByAll);
    line.mark.dataset.status = mark.status;
    line.mark.title = entry.failure ? `${mark.label}: ${entry.failure}` : mark.label;
    if (line.symbol.textContent !== mark.symbol) line.symbol.textContent = mark.symbol;
    if (line.label.textContent !== mark.label) line.label.textContent = mark.label;
  }

  private nearEnd(): boolean {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
  }

  private scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }
}

/** Handled by ReportDialog on the list (one listener for every line). */
function reportButton(senderName: string): HTMLButtonElement {
  return h(
    'button',
    {
      className: 'report small',
      attrs: { type: 'button', 'data-action': 'report', 'aria-label': `Report this message from ${senderName}` },
    },
    'Report',
  );
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}
