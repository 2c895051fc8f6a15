import type { DeliveryCursors } from '@campzone/realtime';
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

/**
 * Reads members' cursors as the rollups and retries need them: the delivered cursor is the
 * highest of the Redis cursor, its MongoDB copy (which may lag or, after a Redis loss, lead)
 * and the read cursor (whoever read a message holds it).
 *
 * With `storedMaxAgeMs`, a room's MongoDB rows are reused for that long. For the retry
 * checks only: Redis, read fresh every time, carries the acks; rows a moment old can only
 * cost a re-send the client drops, or skip one to a member added since, who gets the message
 * live or from `sync`. Rollups read fresh, since a status must never be claimed for a member
 * they did not count. On FerretDB each read of the rows is a scan of chat_participants
 * (~8 ms at 100 members), and checks come once per batch of every pod.
 */
export class MemberCursorReader {
  private readonly stored = new Map<string, { rows: StoredCursors[]; until: number }>();

  constructor(
    private readonly participants: Pick<ParticipantRepository, 'cursorsOfRooms'>,
    private readonly redisCursors: Pick<DeliveryCursors, 'all'>,
    private readonly storedMaxAgeMs = 0,
  ) {}

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
    if (this.storedMaxAgeMs <= 0) return this.participants.cursorsOfRooms(roomIds);
    const now = Date.now();
    const rows: StoredCursors[] = [];
    const missing: string[] = [];
    for (const roomId of roomIds) {
      const hit = this.stored.get(roomId);
      if (hit && hit.until > now) rows.push(...hit.rows);
      else missing.push(roomId);
    }
    if (missing.length === 0) return rows;
    const fetched = await this.participants.cursorsOfRooms(missing);
    this.forgetExpired(Date.now());
    for (const roomId of missing) {
      this.stored.set(roomId, { rows: fetched.filter((r) => r.roomId === roomId), until: now + this.storedMaxAgeMs });
    }
    return [...rows, ...fetched];
  }

  /** Rooms that went quiet drop out at the next miss, so what is held is the last max age's rooms, not every room ever checked. */
  private forgetExpired(now: number): void {
    for (const [roomId, hit] of this.stored) if (hit.until <= now) this.stored.delete(roomId);
  }

  /** Rooms whose rows are held (for tests of the bound). */
  get heldRooms(): number {
    return this.stored.size;
  }
}
