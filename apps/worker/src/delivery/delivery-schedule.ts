/**
 * When each stage of a message's delivery tracking runs. `delaysMs[i]` is the wait before
 * retry i + 1 (counted from the attempt before it, the original broadcast for the first), so
 * the default 1000,5000,15000 re-sends at about 1 s, 6 s and 21 s. After the last retry an
 * online member gets `ackTimeoutMs` to ack before the queue log says FAILED.
 */
export class DeliverySchedule {
  constructor(
    private readonly delaysMs: readonly number[],
    private readonly ackTimeoutMs: number,
  ) {
    if (delaysMs.length === 0) throw new Error('DeliverySchedule needs at least one retry delay');
  }

  get maxRetries(): number {
    return this.delaysMs.length;
  }

  /** From the broadcast to the verdict: past it, a tracked message has its final state. */
  get trackedForMs(): number {
    return this.delaysMs.reduce((sum, d) => sum + d, 0) + this.ackTimeoutMs;
  }

  /** Wait before check `attempt` (1-based): a retry while attempt <= maxRetries, then the verdict. */
  delayBefore(attempt: number): number {
    return this.delaysMs[attempt - 1] ?? this.ackTimeoutMs;
  }
}
