import { JobName, type RollupQueue, rollupJobOptions } from '@campzone/queue';
import type { MessageRepository } from '@campzone/store';
import type { Logger } from 'pino';
import type { MemberCursorReader } from '../delivery/member-cursors';

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
  /** Its held participant rows may predate the copies: dropped before the second round. */
  cursors: Pick<MemberCursorReader, 'forgetAll'>;
  /** CURSOR_FLUSH_MS: a gateway's copy of a cursor lands in MongoDB at most about two of these after the ack. */
  cursorCopyMs: number;
  logger: Logger;
}

/**
 * Rollups for every room with a message in the minute before a followed failover, twice.
 * Rollups have no sweep of their own: a room whose rollup the promoted replica lacks would show
 * its last messages' ticks only at the room's next ack or read, which may never come in a quiet
 * room; so the first pass runs at once. Acks the dead master had not replicated come back only
 * through the gateways' MongoDB copies of the cursors, which land up to two copy intervals after
 * the ack, and a landing copy requests no rollup: so a second pass runs once they have all
 * landed. Rollups are idempotent and deduplicated per room, so a room that lost nothing costs
 * two recomputations.
 */
export class FailoverRollups {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: FailoverRollupDeps) {}

  /**
   * The first pass (a failure is the caller's to retry), then the second one scheduled.
   * @returns the rooms rolled up
   */
  async run(followedAt: number): Promise<number> {
    const recent = await this.deps.messages.createdBetween(new Date(followedAt - LOOKBACK_MS), new Date(followedAt + 1), SCAN_LIMIT);
    const rooms = [...new Set(recent.map((message) => message.roomId))];
    await this.rollUp(rooms);
    // The same rooms again: asking MongoDB once more would be a second query across every shard.
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.runAgain(rooms);
    }, 2 * this.deps.cursorCopyMs);
    this.timers.add(timer);
    return rooms.length;
  }

  /** Drops the second passes not run yet (drain). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async runAgain(rooms: string[]): Promise<void> {
    try {
      this.deps.cursors.forgetAll();
      await this.rollUp(rooms);
      this.deps.logger.info({ rooms: rooms.length }, "rollups queued again for the failover's rooms, the gateways' cursor copies landed");
    } catch (err) {
      this.deps.logger.warn({ err }, "the failover's second rollups could not be queued; those rooms tick at their next ack or read");
    }
  }

  private async rollUp(rooms: string[]): Promise<void> {
    await this.deps.rollup.addBulk(
      rooms.map((roomId) => ({ name: JobName.rollup, data: { roomId }, opts: rollupJobOptions(roomId, this.deps.rollupDelayMs) })),
    );
  }
}
