import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';
import type { RedisClient } from './redis-client';

/**
 * Members' delivered cursors, kept in Redis first because clients ack at message rate;
 * the gateway copies them to MongoDB (chat_participants.deliveredSeq) in batches, and
 * rollups read the higher of the two.
 */
export class DeliveryCursors {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly client: Pick<RedisClient, 'hGetAll'>,
  ) {}

  /** Raises userId's cursor in roomId toward seq (capped at the room's last seq); answers where it stands. */
  async advance(roomId: string, userId: string, seq: number): Promise<number> {
    return Number(await this.lua.run('advanceCursor', [this.keys.deliveredCursors(roomId), this.keys.roomCounters(roomId)], [userId, seq]));
  }

  async all(roomId: string): Promise<Map<string, number>> {
    const raw = await this.client.hGetAll(this.keys.deliveredCursors(roomId));
    return new Map(Object.entries(raw).map(([userId, seq]) => [userId, Number(seq)]));
  }
}
