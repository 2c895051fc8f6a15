import { JobName, type RollupQueue, rollupJobOptions } from '@campzone/queue';
import type { MessageRepository } from '@campzone/store';

/**
 * How far back a failover's lost rollups reach: the jobs the dead master had not replicated,
 * and those its clients failed to add until the failover was followed (cluster-node-timeout,
 * 15 s by default, plus the election). A minute leaves room to spare.
 */
const LOOKBACK_MS = 60_000;
/** Messages looked at; a busier minute leaves its quietest rooms to their next ack or read. */
const SCAN_LIMIT = 20_000;

export interface FailoverRollupDeps {
  messages: Pick<MessageRepository, 'createdBetween'>;
  rollup: Pick<RollupQueue, 'addBulk'>;
  rollupDelayMs: number;
}

/**
 * A rollup for every room with a message in the last minute. Rollups have no sweep of their
 * own: a room whose rollup the promoted replica lacks would show its last messages' ticks only
 * at the room's next ack or read, which may never come in a quiet room. Rollups are idempotent
 * and deduplicated per room, so a room that had none lost costs one recomputation.
 */
export async function rollupRecentRooms(deps: FailoverRollupDeps, now = Date.now()): Promise<number> {
  const recent = await deps.messages.createdBetween(new Date(now - LOOKBACK_MS), new Date(now + 1), SCAN_LIMIT);
  const rooms = [...new Set(recent.map((message) => message.roomId))];
  await deps.rollup.addBulk(
    rooms.map((roomId) => ({ name: JobName.rollup, data: { roomId }, opts: rollupJobOptions(roomId, deps.rollupDelayMs) })),
  );
  return rooms.length;
}
