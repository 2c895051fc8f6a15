import type { Presence, SweptPod } from '@campzone/realtime';
import type { ParticipantRepository, UserRepository } from '@campzone/store';

/**
 * Who is online, cluster-wide, and the MongoDB mirror of it (users.isOnline, lastSeen).
 * Returns facts; the socket layer tells rooms about them.
 */
export class PresenceService {
  constructor(
    private readonly presence: Presence,
    private readonly users: UserRepository,
    private readonly participants: ParticipantRepository,
    readonly podId: string,
    private readonly leaseMs: number,
  ) {}

  /** Answers whether this socket brought the user online. */
  async connected(userId: string, username?: string): Promise<boolean> {
    const sockets = await this.presence.connect(this.podId, userId);
    if (sockets === 1) await this.users.markSeen(userId, true, username);
    return sockets === 1;
  }

  /** Answers whether the user has no socket left anywhere. */
  async disconnected(userId: string): Promise<boolean> {
    const left = await this.presence.disconnect(this.podId, userId);
    if (left === 0) await this.users.markSeen(userId, false);
    return left === 0;
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
    await this.users.markOffline(offline);
    return Promise.all(
      offline.map(async (userId) => ({ userId, roomIds: (await this.participants.roomsOf(userId)).map((r) => r.roomId) })),
    );
  }
}
