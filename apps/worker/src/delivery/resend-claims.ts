import type { RedisKeys } from '@campzone/realtime';
import type { ChatEmitter, ClusterEmitter } from './cluster-emitter';

/**
 * One claim per (batch, retry): the run that wins it re-sends; a re-run of the same stage
 * (a stalled job picked up by another worker, a retried job) finds it taken and sends nothing,
 * so no member gets more re-sends than the schedule allows. Claim and publishes are one atomic
 * Redis step, so a worker killed mid-stage has sent all of the stage's re-sends or none (and
 * then the next run sends them): never fewer than the schedule either.
 */
export class ResendClaims {
  constructor(
    private readonly emitter: Pick<ClusterEmitter, 'emitOnce'>,
    private readonly keys: RedisKeys,
    /** Longer than any job could be re-run: a day. */
    private readonly ttlMs = 86_400_000,
  ) {}

  resend(batchId: string, attempt: number, build: (emitter: ChatEmitter) => void): Promise<boolean> {
    return this.emitter.emitOnce((channel) => this.keys.resendClaim(batchId, attempt, channel), this.ttlMs, build);
  }
}
