import { h } from './dom-element';
import { actionsFor, type MessageAction, type RoomPowers } from './message-actions';
import type { MessageEntry } from './room-messages.model';

const LABELS: Record<MessageAction, string> = {
  reply: 'Reply',
  react: 'React',
  thread: 'Thread',
  edit: 'Edit',
  delete: 'Delete',
  pin: 'Pin',
  unpin: 'Unpin',
};

/**
 * The action row under a message, opened by its Actions button (a disclosure: aria-expanded).
 * One row is open at a time; opening focuses its first action, Escape closes it and returns
 * focus. The buttons carry `data-action`; the page handles their clicks on the list.
 */
export class MessageActionsMenu {
  private row: HTMLElement | undefined;
  private toggle: HTMLElement | undefined;

  /** The line whose row is open. */
  get openLine(): HTMLLIElement | undefined {
    return this.row?.closest('li') ?? undefined;
  }

  open(toggle: HTMLElement, entry: MessageEntry, powers: RoomPowers): void {
    this.close(false);
    const actions = actionsFor(entry, powers);
    if (actions.length === 0) return;
    const row = h(
      'div',
      { className: 'message-actions', attrs: { role: 'group', 'aria-label': 'Message actions', 'aria-live': 'off' } },
      ...actions.map((action) =>
        h(
          'button',
          { className: action === 'delete' ? 'small danger' : 'small', attrs: { type: 'button', 'data-action': action } },
          LABELS[action],
        ),
      ),
    );
    row.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      this.close();
    });
    toggle.closest('.footer')?.after(row);
    toggle.setAttribute('aria-expanded', 'true');
    this.row = row;
    this.toggle = toggle;
    row.querySelector('button')?.focus();
  }

  close(restoreFocus = true): void {
    if (!this.row) return;
    this.row.remove();
    this.toggle?.setAttribute('aria-expanded', 'false');
    if (restoreFocus && this.toggle?.isConnected) this.toggle.focus();
    this.row = undefined;
    this.toggle = undefined;
  }
}
