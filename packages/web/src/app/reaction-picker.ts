import { h } from './dom-element';

/** The emoji offered; any one emoji or `:short_code:` is accepted by the gateway. */
export const PICKER_EMOJI: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '😢', '👀', '✅'];

const NAMES: Record<string, string> = {
  '👍': 'thumbs up',
  '❤️': 'heart',
  '😂': 'laughing',
  '🎉': 'party',
  '😮': 'surprised',
  '😢': 'sad',
  '👀': 'eyes',
  '✅': 'done',
};

/**
 * A row of emoji buttons shown under a message when its React action is used. It opens with
 * focus on the first emoji; Left and Right move between them, Escape closes it and focus goes
 * back to the button that opened it. Choosing one calls `onPick` and closes the row.
 */
export class ReactionPicker {
  private readonly row: HTMLDivElement;
  private opener: HTMLElement | undefined;
  private onPick: ((emoji: string) => void) | undefined;

  constructor() {
    this.row = h('div', { className: 'reaction-picker', attrs: { role: 'group', 'aria-label': 'Pick a reaction' } });
    for (const emoji of PICKER_EMOJI) {
      const button = h(
        'button',
        { className: 'small', attrs: { type: 'button', 'aria-label': `React with ${NAMES[emoji] ?? emoji}` } },
        emoji,
      );
      button.addEventListener('click', () => this.pick(emoji));
      this.row.append(button);
    }
    this.row.addEventListener('keydown', (event) => this.onKey(event));
  }

  get isOpen(): boolean {
    return this.row.isConnected;
  }

  /** Shows the row after `anchor` (inside the message's line). */
  open(anchor: HTMLElement, opener: HTMLElement, onPick: (emoji: string) => void): void {
    this.close(false);
    this.opener = opener;
    this.onPick = onPick;
    anchor.after(this.row);
    opener.setAttribute('aria-expanded', 'true');
    this.buttons()[0]?.focus();
  }

  close(restoreFocus = true): void {
    if (!this.row.isConnected) return;
    this.row.remove();
    this.opener?.setAttribute('aria-expanded', 'false');
    if (restoreFocus && this.opener?.isConnected) this.opener.focus();
    this.opener = undefined;
    this.onPick = undefined;
  }

  private pick(emoji: string): void {
    const onPick = this.onPick;
    this.close();
    onPick?.(emoji);
  }

  private onKey(event: KeyboardEvent): void {
    const buttons = this.buttons();
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') this.close();
    else if (event.key === 'ArrowRight') buttons[(at + 1) % buttons.length]?.focus();
    else if (event.key === 'ArrowLeft') buttons[(at - 1 + buttons.length) % buttons.length]?.focus();
    else return;
    event.preventDefault();
    event.stopPropagation();
  }

  private buttons(): HTMLButtonElement[] {
    return [...this.row.querySelectorAll('button')];
  }
}
