import type { RedisKeys } from '@campzone/realtime';
import type { ChatEmitter, ClusterEmitter } from './cluster-emitter';

/**
 * One claim per (message, retry): the run that wins it re-sends; any other run of that retry of
 * that message finds it taken and sends nothing, so no member gets more re-sends than the
 * schedule allows. Other runs are a re-run of the same stage (a stalled job picked up by another
 * worker, a retried job) and a second schedule of the same message: a worker's first sweep
 * re-arms a message whose own delayed check is still waiting for a worker. Claims are per
 * message rather than per batch because the two schedules batch differently. Claim and publish
 * are one atomic Redis step, so a worker killed mid-stage has sent each re-send or not (and
 * then the next run sends it): never fewer than the schedule either.
 */
export class ResendClaims {
  constructor(
    private readonly emitter: Pick<ClusterEmitter, 'emitOnce'>,
    private readonly keys: RedisKeys,
    /** Longer than any job could be re-run: a day. */
    private readonly ttlMs = 86_400_000,
  ) {}

  resend(messageId: string, attempt: number, build: (emitter: ChatEmitter) => void): Promise<boolean> {
    return this.emitter.emitOnce((channel) => this.keys.resendClaim(messageId, attempt, channel), this.ttlMs, build);
  }
}
