import type { ChatMessage, Synced } from '@campzone/protocol';
import { deletedChange, editedChange, type MessageChange, pinnedChange, reactionChange, threadChange } from './message-change';
import { MessageChangeLedger } from './message-change-ledger';
import { RoomRevCursor, type RoomRevCursorOptions } from './room-rev-cursor';
import type { ServerMessage } from './transport';

export interface MessageChangeFeedOptions extends Omit<RoomRevCursorOptions, 'onGap'> {
  /** The current user (for `me` on their own reactions). */
  selfId(): string | undefined;
  emit(change: MessageChange): void;
  /** A room missed a rev (see RoomRevCursor): sync it. */
  onGap(roomId: string): void;
  /** Live changes of rooms the app left are not passed on. */
  ignoresRoom?(roomId: string): boolean;
  ledgerCapacity?: number;
}

/**
 * Asked as `afterRev` while a room has no rev cursor yet: no change is above it, so the answer
 * holds none and tells the room's `latestRev`, the cursor from then on. Changes made before the
 * client knew the room are in the messages it is given (current state) or in history pages.
 */
export const NO_REV_YET = Number.MAX_SAFE_INTEGER;

/**
 * Every change to stored messages, from wherever it comes (live events, the answers to the
 * user's own requests, syncs), through one ledger to one `message_changed` event; and each
 * room's rev cursor for the next sync.
 *
 * A room's cursor (RoomRevCursor) moves with the revs it hears one after another and with a
 * sync's `latestRev`; a rev that does not come makes the room sync.
 */
export class MessageChangeFeed {
  private readonly ledger: MessageChangeLedger;
  private readonly cursors = new Map<string, RoomRevCursor>();

  constructor(private readonly options: MessageChangeFeedOptions) {
    this.ledger = new MessageChangeLedger(options.ledgerCapacity);
  }

  /** The rev cursor of a room: save it beside the seq cursor and pass it back to `joinRoom`. */
  cursor(roomId: string): number | undefined {
    return this.cursors.get(roomId)?.value;
  }

  /** The room misses a rev that only a sync can bring. */
  gapOpen(roomId: string): boolean {
    return this.cursors.get(roomId)?.gapOpen ?? false;
  }

  /** What a sync of the room asks for as `afterRev`. */
  afterRev(roomId: string): number {
    return this.cursors.get(roomId)?.value ?? NO_REV_YET;
  }

  /** Follows a room's revs from `afterRev` (a saved cursor), or from its first sync's `latestRev`. */
  start(roomId: string, afterRev: number | undefined): void {
    if (this.cursors.has(roomId)) return;
    const { scheduler, gapHoldMs, retry, random } = this.options;
    const cursor = new RoomRevCursor({
      scheduler,
      gapHoldMs,
      retry,
      ...(random ? { random } : {}),
      onGap: () => this.options.onGap(roomId),
    });
    this.cursors.set(roomId, cursor);
    if (afterRev !== undefined) cursor.reached(afterRev);
  }

  forget(roomId: string): void {
    this.cursors.get(roomId)?.dispose();
    this.cursors.delete(roomId);
  }

  dispose(): void {
    for (const cursor of this.cursors.values()) cursor.dispose();
    this.cursors.clear();
  }

  /**
   * A sync answer: its `changed` in rev order, then the cursor. Returns whether the cursor moved
   * on; a capped answer (`hasMore` for changes) then has more changes after the new cursor.
   */
  synced(roomId: string, reply: Pick<Synced, 'changed' | 'latestRev'>): boolean {
    const changed = Array.isArray(reply.changed) ? [...reply.changed] : [];
    changed.sort((a, b) => (a.rev ?? 0) - (b.rev ?? 0));
    const cursor = this.cursors.get(roomId);
    for (const message of changed) {
      if (message.roomId !== roomId) continue;
      this.pass(this.ledger.state(message));
      if (message.rev !== undefined) cursor?.heard(message.rev);
    }
    return typeof reply.latestRev === 'number' && cursor !== undefined && cursor.reached(reply.latestRev);
  }

  /** A server event: passes on the change it carries; false if it carries none. */
  live(message: ServerMessage): boolean {
    const change = this.fromEvent(message);
    if (!change) return false;
    if (this.options.ignoresRoom?.(change.roomId)) return true;
    this.pass(this.ledger.change(change));
    this.cursors.get(change.roomId)?.heard(change.rev);
    return true;
  }

  /** The answer to the user's own change: told at once, and not again when its broadcast comes. */
  answered(change: MessageChange): void {
    this.pass(this.ledger.change(change));
  }

  /** A message about to be presented, with the changes that overtook it applied. */
  presented(message: ChatMessage): ChatMessage {
    return this.ledger.presented(message);
  }

  /** A copy read outside the timeline (a REST page): with the changes told since it was read applied. */
  current(message: ChatMessage): ChatMessage {
    return this.ledger.merged(message);
  }

  /**
   * A message from the server (live or a sync page), before the timeline takes it: its rev is
   * heard, and if it was presented already (a sync overlap, a resent broadcast) its newer
   * state, if it is newer, is passed on.
   */
  arrived(message: ChatMessage): void {
    this.pass(this.ledger.refreshed(message));
    if (message.rev !== undefined) this.cursors.get(message.roomId)?.heard(message.rev);
  }

  private fromEvent(message: ServerMessage): MessageChange | undefined {
    switch (message.event) {
      case 'message_edited':
        return editedChange(message.payload);
      case 'message_deleted':
        return deletedChange(message.payload);
      case 'reaction_updated':
        return reactionChange(message.payload, this.options.selfId());
      case 'message_pinned':
        return pinnedChange(message.payload);
      case 'thread_updated':
        return threadChange(message.payload);
      default:
        return undefined;
    }
  }

  private pass(change: MessageChange | undefined): void {
    if (change) this.options.emit(change);
  }
}
