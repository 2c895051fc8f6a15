import { h } from './dom-element';

/** Who is online in the open room (cluster-wide presence from `get_online_users`). */
export class OnlineListView {
  constructor(
    private readonly list: HTMLUListElement,
    private readonly heading: HTMLElement,
    private readonly nameOf: (userId: string) => string,
  ) {}

  render(userIds: readonly string[] | undefined, selfId: string): void {
    if (!userIds) {
      this.heading.textContent = 'Online';
      this.list.replaceChildren();
      return;
    }
    const sorted = [...userIds].sort((a, b) => (a === selfId ? -1 : b === selfId ? 1 : this.nameOf(a).localeCompare(this.nameOf(b))));
    this.heading.textContent = `Online (${sorted.length})`;
    this.list.replaceChildren(
      ...sorted.map((userId) =>
        h(
          'li',
          { dataset: { userId } },
          h('span', { className: 'dot', attrs: { 'aria-hidden': 'true' } }),
          userId === selfId ? `${this.nameOf(userId)} (you)` : this.nameOf(userId),
        ),
      ),
    );
  }
}
