import type { NotificationLevel, ParticipantRole } from '@campzone/protocol';
import { type Collection, MongoBulkWriteError, ObjectId, type WithId, type WriteError } from 'mongodb';
import { bulkWriteInChunks } from './bulk-write';
import type { ParticipantDoc } from './documents';

/** A delivered cursor to copy, addressed by the member's room and `_id` (see advanceDelivered). */
export interface CursorUpdate {
  roomId: string;
  participantId: string;
  seq: number;
}

const INSERT_CHUNK = 1000;
/** Delivered-cursor copies within this many seqs of each other are written together (see advanceDelivered). */
const COPY_SPAN = 20;

function toArray(value: WriteError | readonly WriteError[] | undefined): readonly WriteError[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value as WriteError];
}

export interface Membership {
  /** The participant document's `_id`, by which its cursor copies are written. */
  participantId: string;
  role: ParticipantRole;
  mutedUntil?: Date;
}

const MEMBERSHIP_FIELDS = { _id: 1, role: 1, mutedUntil: 1 } as const;

function membershipOfRow(row: Pick<WithId<ParticipantDoc>, '_id' | 'role' | 'mutedUntil'>): Membership {
  const membership: Membership = { participantId: row._id.toHexString(), role: row.role };
  if (row.mutedUntil) membership.mutedUntil = row.mutedUntil;
  return membership;
}

/**
 * Told after every write that may change who is in a room or how far a member read, once it
 * is in MongoDB, or failed, perhaps in part (RosterVersions.changed): readers that keep a copy
 * of a room's rows re-read them. Delivered-cursor copies, roles, mutes and notification
 * settings do not tell it: copies trail the Redis cursors the readers also read, and the
 * others are not in what they copy.
 */
export type RosterChanged = (roomId: string) => Promise<void>;

export class ParticipantRepository {
  constructor(
    private readonly participants: Collection<ParticipantDoc>,
    private readonly rosterChanged: RosterChanged = async () => {},
  ) {}

  /** Runs a write to a room's rows, then tells rosterChanged, whether the write worked or not. */
  private async changing<T>(roomId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      await this.rosterChanged(roomId);
    }
  }

  async membershipOf(roomId: string, userId: string): Promise<Membership | null> {
    const row = await this.participants.findOne({ roomId, userId }, { projection: MEMBERSHIP_FIELDS });
    return row ? membershipOfRow(row) : null;
  }

  async roleOf(roomId: string, userId: string): Promise<ParticipantRole | null> {
    return (await this.membershipOf(roomId, userId))?.role ?? null;
  }

  /**
   * Adds a bot (an incoming hook's user) as a member that holds and has read everything: it
   * never acks or reads, and must not hold its room's DELIVERED and READ statuses back forever.
   */
  async addBot(roomId: string, userId: string, now = new Date()): Promise<void> {
    const all = Number.MAX_SAFE_INTEGER;
    await this.changing(roomId, () =>
      this.participants.updateOne(
        { roomId, userId },
        { $set: { role: 'member', deliveredSeq: all, lastReadSeq: all }, $setOnInsert: { joinedAt: now, lastReadAt: null } },
        { upsert: true },
      ),
    );
  }

  /** Adds members (or changes the role of existing ones); answers how many were new. */
  async upsert(roomId: string, userIds: string[], role: ParticipantRole, now = new Date()): Promise<number> {
    if (userIds.length === 0) return 0;
    const result = await this.changing(roomId, () =>
      bulkWriteInChunks(
        this.participants,
        userIds.map((userId) => ({
          updateOne: {
            filter: { roomId, userId },
            update: { $set: { role }, $setOnInsert: { joinedAt: now, lastReadAt: null, lastReadSeq: 0, deliveredSeq: 0 } },
            upsert: true,
          },
        })),
      ),
    );
    return result.upsertedCount;
  }

  /** Which of these users are members of the room (mentions resolve against this). */
  async membersAmong(roomId: string, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.participants.find({ roomId, userId: { $in: userIds } }, { projection: { _id: 0, userId: 1 } }).toArray();
    return rows.map((r) => r.userId);
  }

  /**
   * Adds users known not to be members, in one unordered insert per chunk: on FerretDB an
   * upsert scans the collection per user, which made a 2,000-student roster take a minute.
   * One added meanwhile by someone else is skipped by the unique index. Answers how many were added.
   */
  async insertNew(roomId: string, userIds: string[], role: ParticipantRole, now = new Date()): Promise<number> {
    return this.changing(roomId, () => this.insertChunks(roomId, userIds, role, now));
  }

  private async insertChunks(roomId: string, userIds: string[], role: ParticipantRole, now: Date): Promise<number> {
    let added = 0;
    for (let i = 0; i < userIds.length; i += INSERT_CHUNK) {
      const docs = userIds.slice(i, i + INSERT_CHUNK).map((userId) => ({
        _id: new ObjectId(),
        roomId,
        userId,
        role,
        joinedAt: now,
        lastReadAt: null,
        lastReadSeq: 0,
        deliveredSeq: 0,
      }));
      try {
        added += (await this.participants.insertMany(docs, { ordered: false })).insertedCount;
      } catch (err) {
        if (!(err instanceof MongoBulkWriteError) || toArray(err.writeErrors).some((e) => e.code !== 11000)) throw err;
        added += err.insertedCount;
      }
    }
    return added;
  }

  /** Every member with their role (roster sync diffs against it). */
  async roster(roomId: string): Promise<Array<{ userId: string; role: ParticipantRole; mutedUntil?: Date }>> {
    const rows = await this.participants.find({ roomId }, { projection: { _id: 0, userId: 1, role: 1, mutedUntil: 1 } }).toArray();
    return rows.map((r) => ({ userId: r.userId, role: r.role, ...(r.mutedUntil ? { mutedUntil: r.mutedUntil } : {}) }));
  }

  /** Removes members for good; answers how many were members. */
  async remove(roomId: string, userIds: string[]): Promise<number> {
    if (userIds.length === 0) return 0;
    return (await this.changing(roomId, () => this.participants.deleteMany({ roomId, userId: { $in: userIds } }))).deletedCount;
  }

  /** Sets roles of existing members (several users may share one role). */
  async setRoles(roomId: string, changes: Array<{ userId: string; role: ParticipantRole }>): Promise<void> {
    if (changes.length === 0) return;
    await bulkWriteInChunks(
      this.participants,
      changes.map((c) => ({ updateOne: { filter: { roomId, userId: c.userId }, update: { $set: { role: c.role } } } })),
    );
  }

  /** Mutes a member until a time (null lifts it); answers whether they are a member. */
  async setMute(roomId: string, userId: string, until: Date | null): Promise<boolean> {
    const update = until ? { $set: { mutedUntil: until } } : { $unset: { mutedUntil: '' as const } };
    return (await this.participants.updateOne({ roomId, userId }, update)).matchedCount === 1;
  }

  /** How many owners the room has (it must keep one). */
  countOwners(roomId: string): Promise<number> {
    return this.participants.countDocuments({ roomId, role: 'owner' });
  }

  async memberIds(roomId: string): Promise<string[]> {
    const rows = await this.participants.find({ roomId }, { projection: { userId: 1 } }).toArray();
    return rows.map((r) => r.userId);
  }

  /**
   * The rooms of one user with the membership in each (what a connecting socket needs, so its
   * first events in those rooms find the membership known); the one query keyed by user,
   * served by the userId index.
   */
  async roomsOf(userId: string): Promise<Array<{ roomId: string; membership: Membership }>> {
    const rows = await this.participants.find({ userId }, { projection: { roomId: 1, ...MEMBERSHIP_FIELDS } }).toArray();
    return rows.map((r) => ({ roomId: r.roomId, membership: membershipOfRow(r) }));
  }

  /** One user's memberships with their read cursors (the room list's unread counts start there). */
  async membershipsOf(userId: string): Promise<Array<{ roomId: string; role: ParticipantRole; lastReadSeq: number; mutedUntil?: Date }>> {
    const rows = await this.participants
      .find({ userId }, { projection: { _id: 0, roomId: 1, role: 1, lastReadSeq: 1, mutedUntil: 1 } })
      .toArray();
    return rows.map((r) => ({
      roomId: r.roomId,
      role: r.role,
      lastReadSeq: r.lastReadSeq ?? 0,
      ...(r.mutedUntil ? { mutedUntil: r.mutedUntil } : {}),
    }));
  }

  /**
   * The rooms of many users in one query (userId -> roomIds; users in no room are absent):
   * a swept pod's users are announced from this, not from a query each.
   */
  async roomsOfUsers(userIds: string[]): Promise<Map<string, string[]>> {
    const rooms = new Map<string, string[]>();
    if (userIds.length === 0) return rooms;
    const rows = await this.participants.find({ userId: { $in: userIds } }, { projection: { _id: 0, userId: 1, roomId: 1 } }).toArray();
    for (const { userId, roomId } of rows) {
      const of = rooms.get(userId);
      if (of) of.push(roomId);
      else rooms.set(userId, [roomId]);
    }
    return rooms;
  }

  /**
   * Raises a member's read cursor; a lower seq changes nothing ($max never goes back). Answers
   * whether it moved: a repeated mark_read learns from it whether its first attempt's raise landed.
   */
  async advanceRead(roomId: string, userId: string, seq: number, readAt: Date): Promise<boolean> {
    // Told even when nothing moved: a repeat after a failed first attempt may be the one to tell.
    const result = await this.changing(roomId, () =>
      this.participants.updateOne({ roomId, userId }, { $max: { lastReadSeq: seq, lastReadAt: readAt } }),
    );
    return result.modifiedCount > 0;
  }

  /**
   * Raises delivered cursors, one statement per room and seq range: members within
   * COPY_SPAN seqs of each other (most of a room between two flushes, some acks still in
   * flight) share one `updateMany` at the lowest seq among them, so a flush costs about a
   * statement per room rather than one per member. A copy may so lag its member's Redis cursor
   * by less than COPY_SPAN, never lead it: rollups and checks take the higher of the two, and
   * after a Redis loss a lagging copy costs a re-send the client drops, never a status claimed.
   * Each names its room, which routes it to one shard on a MongoDB sharded by roomId; the
   * `_id`s find the members there. `$max` never lowers.
   */
  async advanceDelivered(updates: CursorUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const byRoom = new Map<string, CursorUpdate[]>();
    for (const u of updates) {
      const room = byRoom.get(u.roomId);
      if (room) room.push(u);
      else byRoom.set(u.roomId, [u]);
    }
    const groups: Array<{ roomId: string; seq: number; ids: ObjectId[] }> = [];
    for (const [roomId, cursors] of byRoom) {
      cursors.sort((a, b) => b.seq - a.seq);
      let group: { roomId: string; seq: number; ids: ObjectId[]; top: number } | undefined;
      for (const c of cursors) {
        if (!group || group.top - c.seq >= COPY_SPAN) {
          group = { roomId, seq: c.seq, ids: [], top: c.seq };
          groups.push(group);
        }
        group.seq = c.seq;
        group.ids.push(new ObjectId(c.participantId));
      }
    }
    await bulkWriteInChunks(
      this.participants,
      groups.map(({ roomId, seq, ids }) => ({
        updateMany: { filter: { roomId, _id: ids.length === 1 ? ids[0]! : { $in: ids } }, update: { $max: { deliveredSeq: seq } } },
      })),
    );
  }

  /** The members' cursors of several rooms in one query (the worker checks a batch of rooms at once). */
  async cursorsOfRooms(roomIds: string[]): Promise<Array<Pick<ParticipantDoc, 'roomId' | 'userId' | 'deliveredSeq' | 'lastReadSeq'>>> {
    if (roomIds.length === 0) return [];
    return this.participants
      .find({ roomId: { $in: roomIds } }, { projection: { _id: 0, roomId: 1, userId: 1, deliveredSeq: 1, lastReadSeq: 1 } })
      .toArray();
  }

  /** Sets what the member wants pushed from the room; answers whether they are a member. */
  async setNotificationLevel(roomId: string, userId: string, level: NotificationLevel): Promise<boolean> {
    return (await this.participants.updateOne({ roomId, userId }, { $set: { notificationLevel: level } })).matchedCount === 1;
  }

  /** A member's push state: chosen level (absent: the room type's default) and the cursors a push starts after. */
  async notificationStateOf(
    roomId: string,
    userId: string,
  ): Promise<{ level?: NotificationLevel; lastReadSeq: number; notifiedSeq: number } | null> {
    const row = await this.participants.findOne(
      { roomId, userId },
      { projection: { _id: 0, notificationLevel: 1, lastReadSeq: 1, notifiedSeq: 1 } },
    );
    if (!row) return null;
    return {
      ...(row.notificationLevel ? { level: row.notificationLevel } : {}),
      lastReadSeq: row.lastReadSeq ?? 0,
      notifiedSeq: row.notifiedSeq ?? 0,
    };
  }

  /** Members who chose this level (served by the roomId_notificationLevel index). */
  async withNotificationLevel(roomId: string, level: NotificationLevel): Promise<string[]> {
    const rows = await this.participants.find({ roomId, notificationLevel: level }, { projection: { _id: 0, userId: 1 } }).toArray();
    return rows.map((r) => r.userId);
  }

  /** Raises the seq up to which the member's pushes are settled; a lower seq changes nothing. */
  async raiseNotified(roomId: string, userId: string, seq: number): Promise<void> {
    await this.participants.updateOne({ roomId, userId }, { $max: { notifiedSeq: seq } });
  }

  /** Every member's cursors, for rollups: a message is DELIVERED/READ once all members passed it. */
  async cursors(roomId: string): Promise<Array<Pick<ParticipantDoc, 'userId' | 'deliveredSeq' | 'lastReadSeq'>>> {
    return this.participants.find({ roomId }, { projection: { _id: 0, userId: 1, deliveredSeq: 1, lastReadSeq: 1 } }).toArray();
  }
}
