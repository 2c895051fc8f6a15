/**
 * The client's Lamport clock (seed: "Increment local Lamport clock before sending").
 * `tick()` before every send; `observe()` every timestamp received, so a message sent after
 * seeing message X carries a higher timestamp than X, in any room.
 */
export class LamportClock {
  private current: number;

  constructor(initial = 0) {
    this.current = LamportClock.isValid(initial) ? initial : 0;
  }

  get value(): number {
    return this.current;
  }

  /** Advances by one and returns the timestamp to put on the outgoing message. */
  tick(): number {
    this.current += 1;
    return this.current;
  }

  /** `local = max(local, received)`; garbage from the wire never moves the clock. */
  observe(received: unknown): void {
    if (LamportClock.isValid(received) && received > this.current) this.current = received;
  }

  private static isValid(value: unknown): value is number {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  }
}
