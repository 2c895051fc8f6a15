import type { Presence } from '@campzone/realtime';
import type { ParticipantRepository, SeenUpdate, UserRepository } from '@campzone/store';
import type { Logger } from 'pino';
import { CoalescingFlusher } from '../lifecycle/coalescing-flusher';

/** How often the MongoDB mirror of presence is written: Redis is the live truth. */
const MIRROR_EVERY_MS = 1000;

/** A user whose presence changed, with the rooms to tell. */
export interface PresenceChange {
  userId: string;
  roomIds: string[];
}

/** What a lease renewal found: nothing, unless a sweep had taken the lease (see renewLease). */
export interface LeaseRenewal {
  joined: PresenceChange[];
  left: PresenceChange[];
}

/**
 * Who is online, cluster-wide, and the MongoDB mirror of it (users.isOnline, lastSeen).
 * Returns facts; the socket layer tells rooms about them. The mirror is written in batches:
 * a dying pod's users reconnect to the others all at once, and one upsert each would reach
 * MongoDB as a burst of thousands (on FerretDB, 50 at once stalled sends for 200 ms).
 */
export class PresenceService {
  private readonly mirror: CoalescingFlusher<SeenUpdate>;
  private leaseTaken = false;
  private readonly sweeps = new Set<Promise<unknown>>();
  private readonly logger: Logger;

  constructor(
    private readonly presence: Presence,
    users: UserRepository,
    private readonly participants: ParticipantRepository,
    readonly podId: string,
    private readonly leaseMs: number,
    logger: Logger,
  ) {
    this.logger = logger.child({ pod: podId, component: 'presence' });
    this.mirror = new CoalescingFlusher(
      (batch) => users.markSeen(batch),
      (err, count) => this.logger.warn({ err, users: count }, 'could not mirror presence to MongoDB; retrying at the next flush'),
      MIRROR_EVERY_MS,
    );
  }

  /** The user's open sockets across every pod (the handshake caps it). */
  socketsOf(userId: string): Promise<number> {
    return this.presence.socketCount(userId);
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

  /** Writes what the mirror still holds (on shutdown), after the sweeps that add to it. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.sweeps]);
    await this.mirror.stop();
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

  /**
   * Renews this pod's lease. If a sweep took it (the pod stalled past the lease, and another
   * pod announced its users offline), the pod's sockets are counted again from
   * `openSockets` (userId -> sockets open on this pod) and the lease is taken back; answers
   * who that brought back online, and who it found gone.
   *
   * `openSockets` is called just before the recount leaves, in the same tick: connects and
   * disconnects are sent on the same Redis connection, so each one is either in the count
   * or applied after it, never both.
   */
  async renewLease(openSockets: () => ReadonlyMap<string, number>): Promise<LeaseRenewal> {
    const first = !this.leaseTaken;
    const held = await this.presence.heartbeat(this.podId, this.leaseMs, first);
    this.leaseTaken = true;
    if (held) return { joined: [], left: [] };
    const sockets = openSockets();
    const { cameOnline, wentOffline } = await this.presence.recount(this.podId, this.leaseMs, sockets);
    this.logger.warn(
      { users: sockets.size, cameOnline: cameOnline.length, wentOffline: wentOffline.length },
      'presence lease was lost to a sweep (stalled past it?); sockets counted again',
    );
    for (const userId of cameOnline) this.seen(userId, true);
    for (const userId of wentOffline) this.seen(userId, false);
    const changed = await this.withRooms([...cameOnline, ...wentOffline], 'the recount changed');
    return { joined: changed.slice(0, cameOnline.length), left: changed.slice(cameOnline.length) };
  }

  /**
   * Takes dead pods' users offline (and this pod's previous life, when asked at start);
   * answers each user gone offline with their rooms, for the announcement. The Redis claim
   * is final, so nothing after it may lose the announcement: the mirror is queued, and the
   * rooms of every user come from one query.
   */
  sweep(claimOwnPreviousLife = false): Promise<PresenceChange[]> {
    const run = this.sweepOnce(claimOwnPreviousLife);
    // stop() waits for it: a last sweep's offline users must reach the mirror before it closes.
    this.sweeps.add(run);
    const done = () => this.sweeps.delete(run);
    run.then(done, done);
    return run;
  }

  private async sweepOnce(claimOwnPreviousLife: boolean): Promise<PresenceChange[]> {
    const swept = await this.presence.sweep(claimOwnPreviousLife ? this.podId : '');
    const offline = swept.flatMap((p) => p.wentOffline);
    if (offline.length === 0) return [];
    // Queued like any disconnect (upserts: a pod killed within a mirror interval of a
    // connect never wrote that user), so a MongoDB failure cannot hold back the announcement.
    for (const userId of offline) this.seen(userId, false);
    return this.withRooms(offline, 'gone offline');
  }

  /** The users with their rooms, from one query; if it fails they are logged and get none. */
  private async withRooms(userIds: string[], what: string): Promise<PresenceChange[]> {
    let rooms = new Map<string, string[]>();
    try {
      if (userIds.length > 0) rooms = await this.participants.roomsOfUsers(userIds);
    } catch (err) {
      this.logger.warn({ err, users: userIds.length }, `could not look up the rooms of users ${what}: not announced`);
    }
    return userIds.map((userId) => ({ userId, roomIds: rooms.get(userId) ?? [] }));
  }
}
