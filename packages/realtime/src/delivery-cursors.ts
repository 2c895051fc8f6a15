import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';
import type { RedisConnection } from './redis-client';

/** Where a member's delivered cursor stands after an ack. */
export interface CursorAdvance {
  seq: number;
  /**
   * The room's counters were gone, so the ack could not be capped and the cursor did not
   * move: seed the counters (MessageCounters.seed, from MongoDB) and advance again.
   */
  countersMissing: boolean;
}

/**
 * Members' delivered cursors, kept in Redis first because clients ack at message rate;
 * the gateway copies them to MongoDB (chat_participants.deliveredSeq) in batches, and
 * rollups read the higher of the two.
 */
export class DeliveryCursors {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly client: Pick<RedisConnection, 'hGetAll'>,
  ) {}

  /** Raises userId's cursor in roomId toward seq, capped at the room's last seq (see advanceCursor-2.lua). */
  async advance(roomId: string, userId: string, seq: number): Promise<CursorAdvance> {
    const reply = await this.lua.run('advanceCursor', [this.keys.deliveredCursors(roomId), this.keys.roomCounters(roomId)], [userId, seq]);
    if (!Array.isArray(reply) || (reply[0] !== 'ok' && reply[0] !== 'missing')) {
      throw new Error(`advanceCursor answered ${JSON.stringify(reply)}`);
    }
    return { seq: Number(reply[1]), countersMissing: reply[0] === 'missing' };
  }

  async all(roomId: string): Promise<Map<string, number>> {
    const raw = await this.client.hGetAll(this.keys.deliveredCursors(roomId));
    return new Map(Object.entries(raw).map(([userId, seq]) => [userId, Number(seq)]));
  }
}
