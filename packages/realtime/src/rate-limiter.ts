import type { RateLimitKind, RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';

export interface RateDecision {
  allowed: boolean;
  /** When the current window ends. */
  retryAfterMs: number;
}

/** Fixed-window limits counted in Redis, so they hold across pods (a user on two pods is limited in sum). */
export class RateLimiter {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
  ) {}

  async hit(kind: RateLimitKind, subject: string, limit: number, windowMs: number): Promise<RateDecision> {
    const reply = await this.lua.run('rateLimit', [this.keys.rateLimit(kind, subject)], [limit, windowMs]);
    if (!Array.isArray(reply)) throw new Error(`rateLimit answered ${JSON.stringify(reply)}`);
    return { allowed: Number(reply[0]) === 1, retryAfterMs: Number(reply[1]) };
  }
}
