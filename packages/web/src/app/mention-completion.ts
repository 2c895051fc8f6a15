import { h } from './dom-element';
import { insertMention, type MentionQuery, mentionAt, mentionCandidates } from './mention-query';

/**
 * `@` completion of member names in a textarea. Typing `@` and a few letters lists matching
 * members under the box (a listbox the textarea points at with aria-activedescendant, so a
 * screen reader follows the highlighted name while focus stays in the box). Up and Down move,
 * Enter or Tab insert `@userId `, Escape closes; a click inserts too. A polite status says how
 * many match. Keys it handles are marked `defaultPrevented`, so the composer's Enter does not send.
 */
export class MentionCompletion {
  private readonly list: HTMLUListElement;
  private readonly status: HTMLElement;
  private members: readonly string[] = [];
  private query: MentionQuery | undefined;
  private options: string[] = [];
  private active = 0;

  constructor(
    private readonly box: HTMLTextAreaElement,
    private readonly selfId: string,
    idPrefix: string,
  ) {
    this.list = h('ul', { className: 'mention-list', attrs: { id: `${idPrefix}-mentions`, role: 'listbox', 'aria-label': 'Members' } });
    this.list.hidden = true;
    this.status = h('p', { className: 'visually-hidden', attrs: { role: 'status' } });
    box.after(this.list, this.status);
    box.setAttribute('aria-autocomplete', 'list');
    box.addEventListener('input', () => this.update());
    box.addEventListener('keydown', (event) => this.onKey(event));
    box.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.list.addEventListener('mousedown', (event) => event.preventDefault()); // keep focus in the box
    this.list.addEventListener('click', (event) => {
      const option = event.target instanceof Element ? event.target.closest('li[data-user-id]') : null;
      if (option instanceof HTMLElement && option.dataset.userId) this.choose(option.dataset.userId);
    });
  }

  /** The open room's members (user ids). */
  setMembers(members: readonly string[]): void {
    this.members = members;
    if (this.query) this.update();
  }

  close(): void {
    if (this.list.hidden) return;
    this.query = undefined;
    this.options = [];
    this.list.hidden = true;
    this.list.replaceChildren();
    this.box.removeAttribute('aria-activedescendant');
    this.box.removeAttribute('aria-controls');
    this.status.textContent = '';
  }

  private update(): void {
    const query = mentionAt(this.box.value, this.box.selectionStart ?? this.box.value.length);
    const options = query ? mentionCandidates(query.text, this.members, this.selfId) : [];
    if (!query || options.length === 0) {
      this.close();
      return;
    }
    this.query = query;
    this.options = options;
    this.active = 0;
    this.list.hidden = false;
    this.box.setAttribute('aria-controls', this.list.id);
    this.render();
    this.status.textContent = `${options.length} ${options.length === 1 ? 'member matches' : 'members match'}. Up and Down to choose, Enter to insert.`;
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.options.map((userId, i) => {
        const option = h(
          'li',
          { attrs: { id: `${this.list.id}-${i}`, role: 'option', 'aria-selected': String(i === this.active) }, dataset: { userId } },
          userId === 'room' ? '@room (everyone here)' : `@${userId}`,
        );
        return option;
      }),
    );
    this.box.setAttribute('aria-activedescendant', `${this.list.id}-${this.active}`);
  }

  private onKey(event: KeyboardEvent): void {
    if (this.list.hidden || event.isComposing) return;
    const move = { ArrowDown: 1, ArrowUp: -1 }[event.key as 'ArrowDown' | 'ArrowUp'];
    if (move !== undefined) {
      this.active = (this.active + move + this.options.length) % this.options.length;
      this.render();
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const chosen = this.options[this.active];
      if (chosen) this.choose(chosen);
    } else if (event.key === 'Escape') {
      this.close();
    } else {
      return;
    }
    event.preventDefault();
  }

  private choose(userId: string): void {
    const query = this.query;
    if (!query) return;
    const next = insertMention(this.box.value, query, this.box.selectionStart ?? this.box.value.length, userId);
    this.box.value = next.value;
    this.box.setSelectionRange(next.caret, next.caret);
    this.close();
    this.box.focus();
    this.box.dispatchEvent(new Event('input', { bubbles: true }));
  }
}
