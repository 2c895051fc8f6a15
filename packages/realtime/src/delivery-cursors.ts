import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';
import type { RedisConnection } from './redis-client';

/** One member's ack: raise userId's delivered cursor toward seq. */
export interface CursorAck {
  userId: string;
  seq: number;
}

/** Where the members' delivered cursors stand after their acks, in the order they were given. */
export interface CursorAdvance {
  seqs: number[];
  /**
   * The room's counters were gone, so the acks could not be capped and no cursor moved:
   * seed the counters (MessageCounters.seed, from MongoDB) and advance again.
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

  /**
   * Raises each member's cursor in roomId toward its seq, capped at the room's last seq, in one
   * call (see advanceCursors-2.lua). A member named twice gets the higher of its seqs.
   */
  async advance(roomId: string, acks: readonly CursorAck[]): Promise<CursorAdvance> {
    if (acks.length === 0) return { seqs: [], countersMissing: false };
    const args = acks.flatMap(({ userId, seq }) => [userId, seq]);
    const reply = await this.lua.run('advanceCursors', [this.keys.deliveredCursors(roomId), this.keys.roomCounters(roomId)], args);
    if (!Array.isArray(reply) || (reply[0] !== 'ok' && reply[0] !== 'missing') || reply.length !== acks.length + 1) {
      throw new Error(`advanceCursors answered ${JSON.stringify(reply)}`);
    }
    return { seqs: reply.slice(1).map(Number), countersMissing: reply[0] === 'missing' };
  }

  async all(roomId: string): Promise<Map<string, number>> {
    const raw = await this.client.hGetAll(this.keys.deliveredCursors(roomId));
    return new Map(Object.entries(raw).map(([userId, seq]) => [userId, Number(seq)]));
  }
}
