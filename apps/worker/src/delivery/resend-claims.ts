import type { RedisClient, RedisKeys } from '@campzone/realtime';

/**
 * One claim per (batch, retry): the worker that wins it re-sends; a re-run of the same stage
 * (a stalled job picked up by another worker, a retried job) finds it taken and sends nothing,
 * so no member gets more re-sends than the schedule allows.
 */
export class ResendClaims {
  constructor(
    private readonly client: Pick<RedisClient, 'set'>,
    private readonly keys: RedisKeys,
    /** Longer than any job could be re-run: a day. */
    private readonly ttlMs = 86_400_000,
  ) {}

  async claim(batchId: string, attempt: number): Promise<boolean> {
    const reply = await this.client.set(this.keys.resendClaim(batchId, attempt), '1', { NX: true, PX: this.ttlMs });
    return reply === 'OK';
  }
}
