import type { Member } from './moderation-api';

/**
 * A user's name is recorded within a second of their first connection (the gateway mirrors
 * presence to MongoDB once a second), so a list that lacked it is asked again after this long.
 */
const NAME_SETTLE_MS = 1500;

/**
 * Display names of other people, looked up once per room from its member list (the gateway
 * fills `username` from each user's token). A user not named yet shows as their id; a list
 * with unnamed members is asked once more, and again when one of them comes online.
 */
export class UserNames {
  private readonly names = new Map<string, string>();
  /** Rooms whose list has been asked for (a failed lookup is forgotten, to be tried again). */
  private readonly rooms = new Set<string>();
  private readonly again = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly members: (roomId: string) => Promise<Member[]>,
    /** Names shown for this room changed: lines drawn before should be relabelled. */
    private readonly onChange: (roomId: string) => void,
  ) {}

  nameOf(userId: string): string {
    return this.names.get(userId) ?? userId;
  }

  /** The first time a room is opened: its members' names. */
  loadRoom(roomId: string): void {
    if (this.rooms.has(roomId)) return;
    this.fetch(roomId, true);
  }

  /** A member came online: without a name yet, the room's list is asked again once theirs is recorded. */
  cameOnline(roomId: string, userId: string): void {
    if (this.rooms.has(roomId) && !this.names.has(userId)) this.askAgain(roomId);
  }

  forgetRoom(roomId: string): void {
    this.rooms.delete(roomId);
    clearTimeout(this.again.get(roomId));
    this.again.delete(roomId);
  }

  private fetch(roomId: string, first: boolean): void {
    this.rooms.add(roomId);
    this.members(roomId).then(
      (members) => {
        if (this.learn(members)) this.onChange(roomId);
        if (first && members.some((m) => !this.names.has(m.userId))) this.askAgain(roomId);
      },
      () => this.rooms.delete(roomId),
    );
  }

  private askAgain(roomId: string): void {
    if (this.again.has(roomId)) return;
    this.again.set(
      roomId,
      setTimeout(() => {
        this.again.delete(roomId);
        if (this.rooms.has(roomId)) this.fetch(roomId, false);
      }, NAME_SETTLE_MS),
    );
  }

  /** A username equal to the id is the gateway's stand-in for "no name given". */
  private learn(members: readonly Member[]): boolean {
    let changed = false;
    for (const { userId, username } of members) {
      if (!username || username === userId || this.names.get(userId) === username) continue;
      this.names.set(userId, username);
      changed = true;
    }
    return changed;
  }
}
