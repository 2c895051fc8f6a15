import type { RoomUpdated } from '@campzone/protocol';
import { byId } from './dom-element';
import { type PostingRules, postingState } from './posting-state';
import type { RoomItem } from './room-list.view';

/**
 * The line above the composer saying why the user cannot post in the open room (or that slow
 * mode is on), and the composer turned off while they cannot. It ticks by itself: a slow-mode
 * countdown each second, a mute at its end.
 */
export class PostingStateView {
  private readonly line = byId('posting-state', HTMLParagraphElement);
  private readonly rules = new Map<string, PostingRules>();
  private activeRoomId: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly composer: HTMLTextAreaElement,
    private readonly send: HTMLButtonElement,
  ) {}

  /** From GET /v1/rooms: the room's rules and the user's role and mute, as the server sees them now. */
  setRooms(rooms: readonly RoomItem[]): void {
    for (const room of rooms) {
      const known = this.rules.get(room.roomId);
      const rules: PostingRules = {
        role: room.role,
        postingPolicy: room.postingPolicy,
        slowModeSeconds: room.slowModeSeconds,
        archived: room.archived,
      };
      if (room.mutedUntil) rules.mutedUntil = room.mutedUntil;
      if (known?.slowUntil !== undefined) rules.slowUntil = known.slowUntil;
      this.rules.set(room.roomId, rules);
    }
    this.render();
  }

  roomUpdated(update: RoomUpdated): void {
    const { postingPolicy, slowModeSeconds, archived } = update;
    this.learn(update.roomId, { postingPolicy, slowModeSeconds, archived });
  }

  /** What a refused send or a room event told about a room. */
  learn(roomId: string, changes: Partial<PostingRules>): void {
    const rules = this.rules.get(roomId);
    if (!rules) return;
    this.rules.set(roomId, { ...rules, ...changes });
    if (roomId === this.activeRoomId) this.render();
  }

  forget(roomId: string): void {
    this.rules.delete(roomId);
    if (roomId === this.activeRoomId) this.show(undefined);
  }

  show(roomId: string | undefined): void {
    this.activeRoomId = roomId;
    this.render();
  }

  private render(): void {
    clearTimeout(this.timer);
    const rules = this.activeRoomId ? this.rules.get(this.activeRoomId) : undefined;
    // A room not in the list yet (just created, or added by someone): the server still decides.
    const state = rules ? postingState(rules, Date.now()) : { canPost: this.activeRoomId !== undefined, line: '' };
    if (this.line.textContent !== state.line) this.line.textContent = state.line;
    this.line.hidden = state.line === '';
    this.line.dataset.canPost = String(state.canPost);
    this.composer.disabled = !state.canPost;
    this.send.disabled = !state.canPost;
    if (state.recheckAt !== undefined) this.timer = setTimeout(() => this.render(), Math.max(0, state.recheckAt - Date.now()) + 20);
  }
}
