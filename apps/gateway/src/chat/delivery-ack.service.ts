import type { DeliveryCursors, MessageCounters } from '@campzone/realtime';
import type { MessageRepository, ParticipantRepository } from '@campzone/store';
import type { Logger } from 'pino';
import { CursorCopies } from './cursor-copies';

/** What re-seeds a room's Redis counters from MongoDB's highest stored message. */
export interface CounterSeeding {
  counters: Pick<MessageCounters, 'seed'>;
  messages: Pick<MessageRepository, 'latestCounters'>;
}

/**
 * Delivery acks arrive at message rate, so the cursor moves in Redis first (one Lua call)
 * and reaches MongoDB in batches: the latest cursor per member, about once per flush interval,
 * in slices spread over it (see CursorCopies).
 */
export class DeliveryAckService {
  private readonly copies: CursorCopies;

  constructor(
    private readonly cursors: DeliveryCursors,
    participants: ParticipantRepository,
    private readonly cursorsMoved: (roomId: string) => void,
    private readonly logger: Logger,
    flushEveryMs: number,
    /**
     * Without it, an ack in a room whose counters Redis lost leaves the cursor where it stands
     * until a send re-seeds them; with it, the ack re-seeds them itself.
     */
    private readonly seeding?: CounterSeeding,
  ) {
    this.copies = new CursorCopies(
      (batch) => participants.advanceDelivered(batch),
      // Redis still holds these cursors and rollups read the higher of both; the next ack retries.
      (err, cursors) => logger.warn({ err, cursors }, 'could not copy delivered cursors to MongoDB'),
      flushEveryMs,
    );
  }

  /**
   * Answers where the member's cursor stands, capped at the room's last seq. A room without
   * counters in Redis has no known last seq: they are seeded from MongoDB first, so an honest
   * ack after a Redis loss still counts, and an ack past every stored message does not.
   */
  async ack(member: { roomId: string; userId: string; participantId: string }, seq: number): Promise<number> {
    let standing = await this.cursors.advance(member.roomId, member.userId, seq);
    if (standing.countersMissing && this.seeding) {
      await reseed(this.seeding, member.roomId);
      this.logger.info({ roomId: member.roomId, userId: member.userId }, 'room counters re-seeded from MongoDB for an ack');
      standing = await this.cursors.advance(member.roomId, member.userId, seq);
    }
    if (standing.countersMissing) {
      this.logger.debug({ roomId: member.roomId, userId: member.userId, seq }, 'ack left the cursor unmoved: room counters missing');
    }
    this.copies.set({ roomId: member.roomId, participantId: member.participantId, seq: standing.seq });
    this.cursorsMoved(member.roomId);
    return standing.seq;
  }

  stop(): Promise<void> {
    return this.copies.stop();
  }
}

/** Never lowers what Redis holds: another pod may have seeded and allocated meanwhile. */
async function reseed(seeding: CounterSeeding, roomId: string): Promise<void> {
  const latest = await seeding.messages.latestCounters(roomId);
  await seeding.counters.seed(roomId, latest.seq, latest.lamport, latest.rev);
}
