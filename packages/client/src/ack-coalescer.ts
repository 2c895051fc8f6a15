import { type Scheduler, Timer } from './scheduler';

export interface AckCoalescerOptions {
  scheduler: Scheduler;
  /** At most one `ack` per room per this interval. */
  intervalMs: number;
  /** Sends `ack {roomId, seq}`; returns false if it could not (offline), to be retried on flushAll. */
  send(roomId: string, seq: number): boolean;
}

interface RoomAckState {
  wanted: number;
  sent: number;
  lastSentAt: number;
  timer: Timer;
}

/**
 * Acks the highest contiguous seq per room without an `ack` per message: the first advance
 * goes out at once, later ones at most every `intervalMs`, always carrying the latest seq.
 */
export class AckCoalescer {
  private readonly rooms = new Map<string, RoomAckState>();

  constructor(private readonly options: AckCoalescerOptions) {}

  /** The room's cursor reached `seq`. */
  note(roomId: string, seq: number): void {
    let state = this.rooms.get(roomId);
    if (!state) {
      state = { wanted: 0, sent: 0, lastSentAt: Number.NEGATIVE_INFINITY, timer: new Timer(this.options.scheduler) };
      this.rooms.set(roomId, state);
    }
    if (seq <= state.wanted) return;
    state.wanted = seq;
    const wait = state.lastSentAt + this.options.intervalMs - this.options.scheduler.now();
    if (wait <= 0) this.flush(roomId, state);
    else if (!state.timer.armed) state.timer.set(wait, () => this.flush(roomId, state));
  }

  /**
   * Sends every ack still owed. After a reconnect pass `resend`: the last ack may have been
   * lost with the old socket, and the server takes the max, so sending it again is harmless.
   */
  flushAll(resend = false): void {
    for (const [roomId, state] of this.rooms) {
      if (resend) state.sent = 0;
      this.flush(roomId, state);
    }
  }

  forget(roomId: string): void {
    this.rooms.get(roomId)?.timer.clear();
    this.rooms.delete(roomId);
  }

  dispose(): void {
    for (const state of this.rooms.values()) state.timer.clear();
    this.rooms.clear();
  }

  private flush(roomId: string, state: RoomAckState): void {
    state.timer.clear();
    if (state.wanted <= state.sent) return;
    if (!this.options.send(roomId, state.wanted)) return;
    state.sent = state.wanted;
    state.lastSentAt = this.options.scheduler.now();
  }
}
