import type { Presence, SweptPod } from '@campzone/realtime';
import type { ParticipantRepository, SeenUpdate, UserRepository } from '@campzone/store';
import type { Logger } from 'pino';
import { CoalescingFlusher } from '../lifecycle/coalescing-flusher';

/** How often the MongoDB mirror of presence is written: Redis is the live truth. */
const MIRROR_EVERY_MS = 1000;

/**
 * Who is online, cluster-wide, and the MongoDB mirror of it (users.isOnline, lastSeen).
 * Returns facts; the socket layer tells rooms about them. The mirror is written in batches:
 * a dying pod's users reconnect to the others all at once, and one upsert each would reach
 * MongoDB as a burst of thousands (on FerretDB, 50 at once stalled sends for 200 ms).
 */
export class PresenceService {
  private readonly mirror: CoalescingFlusher<SeenUpdate>;

  constructor(
    private readonly presence: Presence,
    private readonly users: UserRepository,
    private readonly participants: ParticipantRepository,
    readonly podId: string,
    private readonly leaseMs: number,
    logger: Logger,
  ) {
    this.mirror = new CoalescingFlusher(
      (batch) => users.markSeen(batch),
      (err, count) => logger.warn({ err, users: count }, 'could not mirror presence to MongoDB'),
      MIRROR_EVERY_MS,
    );
  }

  /** Answers whether this socket brought the user online. */
  async connected(userId: string, username?: string): Promise<boolean> {
    const sockets = await this.presence.connect(this.podId, userId);
    if (sockets === 1) this.seen(userId, true, username);
    return sockets === 1;
  }

  /** Answers whether the user has no socket left anywhere. */
  async disconnected(userId: string): Promise<boolean> {
    const left = await this.presence.disconnect(this.podId, userId);
    if (left === 0) this.seen(userId, false);
    return left === 0;
  }

  /** Writes what the mirror still holds (on shutdown). */
  stop(): Promise<void> {
    return this.mirror.stop();
  }

  private seen(userId: string, isOnline: boolean, username?: string): void {
    // A username learnt at connect survives a disconnect within the same interval.
    const name = username ?? this.mirror.get(userId)?.username;
    this.mirror.set(userId, { userId, isOnline, at: new Date(), ...(name ? { username: name } : {}) });
  }

  async onlineIn(roomId: string): Promise<string[]> {
    const members = await this.participants.memberIds(roomId);
    const online = await this.presence.onlineUsers(members);
    return members.filter((m) => online.has(m));
  }

  async renewLease(): Promise<void> {
    await this.presence.heartbeat(this.podId, this.leaseMs);
  }

  /**
   * Takes dead pods' users offline (and this pod's previous life, when asked at start);
   * answers each user gone offline with their rooms, for the announcement.
   */
  async sweep(claimOwnPreviousLife = false): Promise<Array<{ userId: string; roomIds: string[] }>> {
    const swept: SweptPod[] = await this.presence.sweep(claimOwnPreviousLife ? this.podId : '');
    const offline = swept.flatMap((p) => p.wentOffline);
    if (offline.length === 0) return [];
    // Upserts: a pod killed within a mirror interval of a connect never wrote that user.
    const at = new Date();
    await this.users.markSeen(offline.map((userId) => ({ userId, isOnline: false, at })));
    return Promise.all(
      offline.map(async (userId) => ({ userId, roomIds: (await this.participants.roomsOf(userId)).map((r) => r.roomId) })),
    );
  }
}
