import { h } from './dom-element';

export type ComposerTarget =
  | { kind: 'reply'; roomId: string; messageId: string; senderName: string; quote: string }
  | { kind: 'edit'; roomId: string; messageId: string; original: string };

/**
 * What the composer is for besides a new message: answering one (the quoted message shown above
 * the box) or editing one of the user's own. A bar above the composer says which, with a Cancel
 * button; Escape in the box cancels too. The bar is a status region, so a screen reader hears
 * "Replying to ana" or "Editing your message" when it appears.
 */
export class ComposerMode {
  private readonly bar: HTMLDivElement;
  private readonly title: HTMLElement;
  private readonly quote: HTMLElement;
  private current: ComposerTarget | undefined;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly composer: HTMLTextAreaElement,
    private readonly send: HTMLButtonElement,
  ) {
    this.title = h('strong', { className: 'composer-mode-title' });
    this.quote = h('span', { className: 'composer-mode-quote' });
    const cancel = h('button', { className: 'small', attrs: { type: 'button' } }, 'Cancel');
    cancel.addEventListener('click', () => {
      this.clear(true);
      this.composer.focus();
    });
    this.bar = h('div', { className: 'composer-mode', attrs: { id: 'composer-mode', role: 'status' } }, this.title, this.quote, cancel);
    this.bar.hidden = true;
    form.before(this.bar);
    composer.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.current && !event.defaultPrevented) {
        event.preventDefault();
        this.clear(true);
      }
    });
  }

  get target(): ComposerTarget | undefined {
    return this.current;
  }

  reply(target: Extract<ComposerTarget, { kind: 'reply' }>): void {
    if (this.current?.kind === 'edit') this.composer.value = '';
    this.set(target, `Replying to ${target.senderName}`, target.quote, 'Send');
  }

  edit(target: Extract<ComposerTarget, { kind: 'edit' }>): void {
    this.set(target, 'Editing your message', '', 'Save');
    this.composer.value = target.original;
    this.composer.setSelectionRange(target.original.length, target.original.length);
  }

  /** Back to a new message; `dropText` also empties the box of an edit's text. */
  clear(dropText = false): void {
    if (dropText && this.current?.kind === 'edit') this.composer.value = '';
    this.current = undefined;
    this.bar.hidden = true;
    this.send.textContent = 'Send';
    this.form.dataset.mode = 'new';
  }

  private set(target: ComposerTarget, title: string, quote: string, action: string): void {
    this.current = target;
    this.title.textContent = title;
    this.quote.textContent = quote;
    this.quote.hidden = quote === '';
    this.bar.hidden = false;
    this.send.textContent = action;
    this.form.dataset.mode = target.kind;
    this.composer.focus();
  }
}
