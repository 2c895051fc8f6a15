import type { DeliveryCursors } from '@campzone/realtime';
import type { CursorUpdate, ParticipantRepository } from '@campzone/store';
import type { Logger } from 'pino';

/**
 * Delivery acks arrive at message rate, so the cursor moves in Redis first (one Lua call)
 * and reaches MongoDB in batches: the latest cursor per member, every flush interval.
 */
export class DeliveryAckService {
  private pending = new Map<string, CursorUpdate>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cursors: DeliveryCursors,
    private readonly participants: ParticipantRepository,
    private readonly cursorsMoved: (roomId: string) => void,
    private readonly logger: Logger,
    flushEveryMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), flushEveryMs);
    this.timer.unref();
  }

  /** Answers where the member's cursor stands (capped at the room's last seq). */
  async ack(userId: string, roomId: string, seq: number): Promise<number> {
    const standing = await this.cursors.advance(roomId, userId, seq);
    this.pending.set(`${roomId}|${userId}`, { roomId, userId, seq: standing });
    this.cursorsMoved(roomId);
    return standing;
  }

  /** One flush at a time: overlapping bulk updates pile up on the store (and wedge FerretDB). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    this.flushing = this.copyPending().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async copyPending(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.participants.advanceDelivered(batch);
    } catch (err) {
      // Redis still holds these cursors and rollups read the higher of both; the next ack retries.
      this.logger.warn({ err, cursors: batch.length }, 'could not copy delivered cursors to MongoDB');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
