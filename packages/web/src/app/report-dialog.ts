import { byId } from './dom-element';
import type { ModerationApi } from './moderation-api';

/**
 * "Report" on a message: the button on each message from someone else opens a dialog asking
 * why, and the report goes to the room's moderators (POST .../messages/:messageId/reports).
 */
export class ReportDialog {
  private readonly dialog = byId('report-dialog', HTMLDialogElement);
  private readonly form = byId('report-form', HTMLFormElement);
  private readonly quote = byId('report-quote', HTMLQuoteElement);
  private readonly reason = byId('report-reason', HTMLTextAreaElement);
  private readonly error = byId('report-error', HTMLParagraphElement);
  private target: { roomId: string; messageId: string; opener: HTMLElement } | undefined;

  constructor(
    messages: HTMLOListElement,
    private readonly api: ModerationApi,
    private readonly roomOf: () => string | undefined,
    private readonly notify: (text: string) => void,
  ) {
    messages.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button[data-action="report"]') : null;
      const item = button?.closest('li');
      if (button instanceof HTMLElement && item?.dataset.messageId) this.open(item, button);
    });
    byId('report-cancel', HTMLButtonElement).addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.target?.opener.focus();
      this.target = undefined;
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
  }

  private open(item: HTMLLIElement, opener: HTMLElement): void {
    const roomId = this.roomOf();
    const messageId = item.dataset.messageId;
    if (!roomId || !messageId) return;
    this.target = { roomId, messageId, opener };
    this.quote.textContent = item.querySelector('.content')?.textContent ?? '';
    this.reason.value = '';
    this.error.textContent = '';
    this.dialog.showModal();
    this.reason.focus();
  }

  private async submit(): Promise<void> {
    const target = this.target;
    const reason = this.reason.value.trim();
    if (!target) return;
    if (!reason) {
      this.error.textContent = 'Say what is wrong with the message.';
      this.reason.focus();
      return;
    }
    const submit = this.form.querySelector('button[type="submit"]');
    if (submit instanceof HTMLButtonElement) submit.disabled = true;
    try {
      await this.api.report(target.roomId, target.messageId, reason);
      this.dialog.close();
      this.notify("Reported. The room's moderators will look at it.");
    } catch (err) {
      this.error.textContent = `Could not report it: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      if (submit instanceof HTMLButtonElement) submit.disabled = false;
    }
  }
}
