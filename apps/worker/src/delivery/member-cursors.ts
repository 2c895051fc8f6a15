import type { DeliveryCursors } from '@campzone/realtime';
import type { ParticipantRepository } from '@campzone/store';

export interface MemberCursor {
  /** Highest seq the member holds: acks (Redis, or their batched copy in MongoDB) or reads. */
  delivered: number;
  /** Highest seq the member has read. */
  read: number;
}

/** userId -> cursors, for the members of one room (the participants in MongoDB decide who is a member). */
export type RoomCursors = Map<string, MemberCursor>;

/**
 * Reads members' cursors as the rollups and retries need them: the delivered cursor is the
 * highest of the Redis cursor, its MongoDB copy (which may lag or, after a Redis loss, lead)
 * and the read cursor (whoever read a message holds it).
 */
export class MemberCursorReader {
  constructor(
    private readonly participants: Pick<ParticipantRepository, 'cursorsOfRooms'>,
    private readonly redisCursors: Pick<DeliveryCursors, 'all'>,
  ) {}

  async forRooms(roomIds: readonly string[]): Promise<Map<string, RoomCursors>> {
    const unique = [...new Set(roomIds)];
    const [rows, redis] = await Promise.all([
      this.participants.cursorsOfRooms(unique),
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
}
