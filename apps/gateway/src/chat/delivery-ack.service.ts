import type { DeliveryCursors, MessageCounters } from '@campzone/realtime';
import type { MessageRepository, ParticipantRepository } from '@campzone/store';
import type { Logger } from 'pino';
import { CursorCopies } from './cursor-copies';

/** What re-seeds a room's Redis counters from MongoDB's highest stored message. */
export interface CounterSeeding {
  counters: Pick<MessageCounters, 'seedFrom'>;
  messages: Pick<MessageRepository, 'latestCounters'>;
}

export interface AckingMember {
  roomId: string;
  userId: string;
  participantId: string;
}

/**
 * How long a room's acks are gathered before one Redis call moves them all: as long as the SDK
 * gathers a member's (`ackIntervalMs`, 250 ms). Members ack on their own clocks, so a shorter
 * window gathers few of them; this one makes about one call per room per window. Nobody waits
 * on it (clients send `ack` without asking for an answer), and the worker's first check of a
 * message comes 1 s after it: an ack held up to 250 ms by the SDK and 250 ms here still lands
 * before it.
 */
const ACK_BATCH_MS = 250;

interface PendingAck {
  member: AckingMember;
  seq: number;
  settled: Array<{ resolve: (seq: number) => void; reject: (err: unknown) => void }>;
}

/**
 * Delivery acks arrive at message rate, so the cursors move in Redis first (one Lua call per
 * room and batch window) and reach MongoDB in batches: the latest cursor per member, about once
 * per flush interval, in slices spread over it (see CursorCopies).
 */
export class DeliveryAckService {
  private readonly copies: CursorCopies;
  /** Acks waiting for their room's Redis call: roomId -> userId -> ack. */
  private readonly pending = new Map<string, Map<string, PendingAck>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Room flushes whose Redis call is out: stop() waits for them before the last copies. */
  private readonly flushing = new Set<Promise<void>>();

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
  ack(member: AckingMember, seq: number): Promise<number> {
    let room = this.pending.get(member.roomId);
    if (!room) {
      room = new Map();
      this.pending.set(member.roomId, room);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        const flush = this.flushRoom(member.roomId).finally(() => this.flushing.delete(flush));
        this.flushing.add(flush);
      }, ACK_BATCH_MS);
      this.timers.add(timer);
    }
    let entry = room.get(member.userId);
    if (!entry) {
      entry = { member, seq, settled: [] };
      room.set(member.userId, entry);
    }
    entry.seq = Math.max(entry.seq, seq);
    const waiting = entry.settled;
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.flushing, ...[...this.pending.keys()].map((roomId) => this.flushRoom(roomId))]);
    await this.copies.stop();
  }

  private async flushRoom(roomId: string): Promise<void> {
    const room = this.pending.get(roomId);
    if (!room) return;
    this.pending.delete(roomId);
    const acks = [...room.values()];
    try {
      const seqs = await this.advance(roomId, acks);
      acks.forEach((ack, i) => {
        const seq = seqs[i] ?? 0;
        this.copies.set({ roomId, participantId: ack.member.participantId, seq });
        for (const waiter of ack.settled) waiter.resolve(seq);
      });
      this.cursorsMoved(roomId);
    } catch (err) {
      for (const ack of acks) for (const waiter of ack.settled) waiter.reject(err);
    }
  }

  private async advance(roomId: string, acks: PendingAck[]): Promise<number[]> {
    const wanted = acks.map(({ member, seq }) => ({ userId: member.userId, seq }));
    let standing = await this.cursors.advance(roomId, wanted);
    if (standing.countersMissing && this.seeding) {
      // Never lowers what Redis holds: another pod may have seeded and allocated meanwhile.
      const { messages } = this.seeding;
      await this.seeding.counters.seedFrom(roomId, () => messages.latestCounters(roomId));
      this.logger.info({ roomId, acks: acks.length }, 'room counters re-seeded from MongoDB for acks');
      standing = await this.cursors.advance(roomId, wanted);
    }
    if (standing.countersMissing) {
      this.logger.debug({ roomId, acks: acks.length }, 'acks left the cursors unmoved: room counters missing');
    }
    return standing.seqs;
  }
}
