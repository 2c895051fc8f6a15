import type { RedisKeys } from './keys';
import type { RedisConnection } from './redis-client';

/** Longer than any token lives (dev tokens live at most 30 days): a revocation outlives every token it covers. */
const KEEP_MS = 31 * 86_400_000;

/** What a revocation check needs of a verified token. */
export interface TokenFacts {
  userId: string;
  issuedAtMs?: number;
  tokenId?: string;
}

/**
 * The deny list, in Redis so every pod sees a revocation at once: a user's tokens issued until
 * a moment (they sign in again for a new one), or one token by its `jti`. Two plain keys, not a
 * script: on Redis Cluster a user's key and a token's live in different slots.
 */
export class TokenRevocations {
  constructor(
    private readonly client: Pick<RedisConnection, 'get' | 'set'>,
    private readonly keys: RedisKeys,
  ) {}

  async revokeUser(userId: string, atMs = Date.now()): Promise<void> {
    await this.client.set(this.keys.revokedUser(userId), String(atMs), { PX: KEEP_MS });
  }

  async revokeToken(tokenId: string): Promise<void> {
    await this.client.set(this.keys.revokedToken(tokenId), '1', { PX: KEEP_MS });
  }

  async isRevoked(token: TokenFacts): Promise<boolean> {
    const [userCut, tokenCut] = await Promise.all([
      this.client.get(this.keys.revokedUser(token.userId)),
      token.tokenId ? this.client.get(this.keys.revokedToken(token.tokenId)) : Promise.resolve(null),
    ]);
    if (tokenCut !== null) return true;
    if (userCut === null) return false;
    // A token without `iat` cannot show it came after the revocation.
    return token.issuedAtMs === undefined || token.issuedAtMs <= Number(userCut);
  }
}
