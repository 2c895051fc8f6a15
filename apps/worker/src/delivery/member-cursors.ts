import type { DeliveryCursors, RosterVersions } from '@campzone/realtime';
import type { ParticipantDoc, ParticipantRepository } from '@campzone/store';

export interface MemberCursor {
  /** Highest seq the member holds: acks (Redis, or their batched copy in MongoDB) or reads. */
  delivered: number;
  /** Highest seq the member has read. */
  read: number;
}

/** userId -> cursors, for the members of one room (the participants in MongoDB decide who is a member). */
export type RoomCursors = Map<string, MemberCursor>;

type StoredCursors = Pick<ParticipantDoc, 'roomId' | 'userId' | 'deliveredSeq' | 'lastReadSeq'>;

export interface HeldRows {
  /** Without it every read asks MongoDB. */
  versions?: Pick<RosterVersions, 'current'>;
  /** How long a room's rows are reused at most, even while their token stands. */
  maxAgeMs?: number;
  /** Rows held at most (a class of 2,000 is 2,000 rows); past it the rooms read longest ago are dropped. */
  maxRows?: number;
}

/**
 * Reads members' cursors as the rollups and retries need them: the delivered cursor is the
 * highest of the Redis cursor, its MongoDB copy (which may lag or, after a Redis loss, lead)
 * and the read cursor (whoever read a message holds it).
 *
 * With `versions`, a room's MongoDB rows are kept under the room's roster token and reused
 * while the token stands, for at most `maxAgeMs`: every write that adds or removes a
 * member or raises a read cursor deletes the token, so a rollup never claims a status for a
 * member it did not count. What the token does not cover can only hold a status back, for at
 * most the max age: cursor copies, which trail the Redis cursors (read fresh every time)
 * except after a Redis loss, and a write whose pod died before it deleted the token. On
 * FerretDB each read of the rows is a scan of chat_participants (~7 ms at 100 members), and
 * rollups and checks come about once a second per busy room.
 */
export class MemberCursorReader {
  /** Read longest ago first, so the first key is the one to drop. */
  private readonly stored = new Map<string, { rows: StoredCursors[]; token: string; until: number }>();
  private heldRows = 0;
  /** Raised by forgetAll: rows read across it are not held. */
  private epoch = 0;
  private readonly maxAgeMs: number;
  private readonly maxRows: number;

  constructor(
    private readonly participants: Pick<ParticipantRepository, 'cursorsOfRooms'>,
    private readonly redisCursors: Pick<DeliveryCursors, 'all'>,
    private readonly held: HeldRows = {},
  ) {
    this.maxAgeMs = held.maxAgeMs ?? 30_000;
    this.maxRows = held.maxRows ?? 200_000;
  }

  async forRooms(roomIds: readonly string[]): Promise<Map<string, RoomCursors>> {
    const unique = [...new Set(roomIds)];
    const [rows, redis] = await Promise.all([
      this.storedRows(unique),
      Promise.all(unique.map(async (roomId) => [roomId, await this.redisCursors.all(roomId)] as const)),
    ]);
    const redisByRoom = new Map(redis);
    const rooms = new Map<string, RoomCursors>(unique.map((roomId) => [roomId, new Map()]));
    for (const row of rows) {
      const acked = redisByRoom.get(row.roomId)?.get(row.userId) ?? 0;
      const read = row.lastReadSeq ?? 0;
      rooms.get(row.roomId)?.set(row.userId, { delivered: Math.max(acked, row.deliveredSeq ?? 0, read), read });
    }
    return rooms;
  }

  private async storedRows(roomIds: string[]): Promise<StoredCursors[]> {
    const versions = this.held.versions;
    if (!versions) return this.participants.cursorsOfRooms(roomIds);
    const epoch = this.epoch;
    // Tokens before rows: rows read after a token hold every write that deleted an earlier one.
    const tokens = await Promise.all(roomIds.map(async (roomId) => [roomId, await versions.current(roomId)] as const));
    const now = Date.now();
    const rows: StoredCursors[] = [];
    const missing: Array<readonly [string, string]> = [];
    for (const [roomId, token] of tokens) {
      const hit = this.stored.get(roomId);
      if (hit && hit.token === token && hit.until > now) rows.push(...hit.rows);
      else missing.push([roomId, token]);
    }
    if (missing.length === 0) return rows;
    const fetched = await this.participants.cursorsOfRooms(missing.map(([roomId]) => roomId));
    this.forgetExpired(Date.now());
    if (epoch !== this.epoch) return [...rows, ...fetched];
    for (const [roomId, token] of missing) {
      this.hold(roomId, { rows: fetched.filter((r) => r.roomId === roomId), token, until: now + this.maxAgeMs });
    }
    return [...rows, ...fetched];
  }

  /**
   * Redis failed over (FAILOVER_FOLLOWED): replication is asynchronous, so a token a write had
   * deleted may be back on the promoted replica. Nothing held, or read meanwhile, is trusted.
   */
  forgetAll(): void {
    this.epoch += 1;
    this.stored.clear();
    this.heldRows = 0;
  }

  private hold(roomId: string, entry: { rows: StoredCursors[]; token: string; until: number }): void {
    this.drop(roomId);
    this.stored.set(roomId, entry);
    this.heldRows += entry.rows.length;
    for (const oldest of this.stored.keys()) {
      if (this.heldRows <= this.maxRows) break;
      this.drop(oldest);
    }
  }

  private drop(roomId: string): void {
    const entry = this.stored.get(roomId);
    if (!entry) return;
    this.heldRows -= entry.rows.length;
    this.stored.delete(roomId);
  }

  /** Rooms that went quiet drop out at the next miss, so what is held is the last max age's rooms, not every room ever checked. */
  private forgetExpired(now: number): void {
    for (const [roomId, hit] of this.stored) if (hit.until <= now) this.drop(roomId);
  }

  /** Rooms whose rows are held (for tests of the bounds). */
  get heldRooms(): number {
    return this.stored.size;
  }
}
