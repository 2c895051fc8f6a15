import { h } from './dom-element';

/**
 * A modal yes/no question (deleting a message): a real <dialog>, so focus stays inside it and
 * Escape answers no. Focus starts on the safe answer and goes back to where it came from.
 */
export class ConfirmDialog {
  private readonly dialog: HTMLDialogElement;
  private readonly title: HTMLElement;
  private readonly text: HTMLElement;
  private readonly yes: HTMLButtonElement;
  private readonly no: HTMLButtonElement;
  private answer: ((yes: boolean) => void) | undefined;
  private opener: Element | null = null;

  constructor() {
    this.title = h('h2', { attrs: { id: 'confirm-title' } });
    this.text = h('p', { className: 'confirm-text', attrs: { id: 'confirm-text' } });
    this.yes = h('button', { className: 'danger', attrs: { type: 'button' } });
    this.no = h('button', { attrs: { type: 'button' } }, 'Cancel');
    this.dialog = h(
      'dialog',
      { className: 'panel-dialog confirm-dialog', attrs: { 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' } },
      this.title,
      this.text,
      h('div', { className: 'row' }, this.yes, this.no),
    );
    document.body.append(this.dialog);
    this.yes.addEventListener('click', () => this.settle(true));
    this.no.addEventListener('click', () => this.settle(false));
    this.dialog.addEventListener('close', () => this.settle(false));
  }

  /** Resolves true only if the user chose `action`. */
  ask(title: string, text: string, action: string): Promise<boolean> {
    this.settle(false);
    this.opener = document.activeElement;
    this.title.textContent = title;
    this.text.textContent = text;
    this.yes.textContent = action;
    this.dialog.showModal();
    this.no.focus();
    return new Promise((resolve) => {
      this.answer = resolve;
    });
  }

  private settle(yes: boolean): void {
    const answer = this.answer;
    if (!answer) return;
    this.answer = undefined;
    if (this.dialog.open) this.dialog.close();
    if (this.opener instanceof HTMLElement && this.opener.isConnected) this.opener.focus();
    answer(yes);
  }
}
