import type { DeliveryCursors } from '@campzone/realtime';
import type { CursorUpdate, ParticipantRepository } from '@campzone/store';
import type { Logger } from 'pino';
import { CoalescingFlusher } from '../lifecycle/coalescing-flusher';

/**
 * Delivery acks arrive at message rate, so the cursor moves in Redis first (one Lua call)
 * and reaches MongoDB in batches: the latest cursor per member, every flush interval.
 */
export class DeliveryAckService {
  private readonly copies: CoalescingFlusher<CursorUpdate>;

  constructor(
    private readonly cursors: DeliveryCursors,
    participants: ParticipantRepository,
    private readonly cursorsMoved: (roomId: string) => void,
    logger: Logger,
    flushEveryMs: number,
  ) {
    this.copies = new CoalescingFlusher(
      (batch) => participants.advanceDelivered(batch),
      // Redis still holds these cursors and rollups read the higher of both; the next ack retries.
      (err, cursors) => logger.warn({ err, cursors }, 'could not copy delivered cursors to MongoDB'),
      flushEveryMs,
    );
  }

  /** Answers where the member's cursor stands (capped at the room's last seq). */
  async ack(member: { roomId: string; userId: string; participantId: string }, seq: number): Promise<number> {
    const standing = await this.cursors.advance(member.roomId, member.userId, seq);
    this.copies.set(member.participantId, { participantId: member.participantId, seq: standing });
    this.cursorsMoved(member.roomId);
    return standing;
  }

  stop(): Promise<void> {
    return this.copies.stop();
  }
}
