import type { RoomListResponse } from '@campzone/protocol';
import { h } from './dom-element';

export type RoomItem = RoomListResponse['rooms'][number];

/** The rooms column: one button per room, the open one marked `aria-current`, unread counts. */
export class RoomListView {
  constructor(
    private readonly list: HTMLUListElement,
    private readonly onSelect: (roomId: string) => void,
  ) {}

  /** `filtered`: rooms are hidden by the search box, so an empty list says no room matches. */
  render(rooms: readonly RoomItem[], activeRoomId: string | undefined, unread: ReadonlyMap<string, number>, filtered = false): void {
    const focusedRoom = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.roomId : undefined;
    const items = rooms.map((room) => {
      const count = unread.get(room.roomId) ?? 0;
      const button = h(
        'button',
        { className: 'room', attrs: { type: 'button' }, dataset: { roomId: room.roomId } },
        h('span', { className: 'room-name' }, room.roomName),
        h('span', { className: 'room-type' }, room.roomType),
      );
      if (count > 0) button.append(h('span', { className: 'unread', attrs: { 'aria-label': `${count} unread` } }, String(count)));
      if (room.roomId === activeRoomId) button.setAttribute('aria-current', 'true');
      button.addEventListener('click', () => this.onSelect(room.roomId));
      return h('li', {}, button);
    });
    if (items.length === 0) items.push(h('li', { className: 'empty' }, filtered ? 'No room matches.' : 'No rooms yet: create one below.'));
    this.list.replaceChildren(...items);
    // Re-rendering must not throw keyboard users out of the list.
    if (focusedRoom) this.list.querySelector<HTMLButtonElement>(`button[data-room-id="${CSS.escape(focusedRoom)}"]`)?.focus();
  }
}
