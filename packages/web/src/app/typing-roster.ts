import { listOf } from './message-marks';

/**
 * Who is typing in each room, from the SDK's `typing` events. The server tells everyone when a
 * typist stops or lapses; the local expiry only guards against a stop lost with a connection.
 */
export class TypingRoster {
  private readonly rooms = new Map<string, Map<string, number>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 35_000,
  ) {}

  update(roomId: string, userId: string, isTyping: boolean): void {
    let typists = this.rooms.get(roomId);
    if (!isTyping) {
      typists?.delete(userId);
      return;
    }
    if (!typists) {
      typists = new Map();
      this.rooms.set(roomId, typists);
    }
    typists.delete(userId); // re-inserted last: the line lists typists in the order they started
    typists.set(userId, this.now() + this.ttlMs);
  }

  /** Everybody: after a reconnect nobody's typing state can be trusted until told again. */
  clear(): void {
    this.rooms.clear();
  }

  typists(roomId: string): string[] {
    const typists = this.rooms.get(roomId);
    if (!typists) return [];
    const now = this.now();
    for (const [userId, expiresAt] of typists) if (expiresAt <= now) typists.delete(userId);
    return [...typists.keys()];
  }

  /** When the next entry of the room lapses, so the page can redraw the line then. */
  nextExpiry(roomId: string): number | undefined {
    const times = [...(this.rooms.get(roomId)?.values() ?? [])];
    return times.length > 0 ? Math.min(...times) : undefined;
  }
}

/** "ana is typing…", "ana and ben are typing…", "ana, ben and 2 others are typing…". */
export function typingLine(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `${listOf(names)} ${names.length === 1 ? 'is' : 'are'} typing…`;
}
