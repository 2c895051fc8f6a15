import { ChatError, ErrorCode } from '@campzone/protocol';
import type { TokenRevocations } from '@campzone/realtime';
import { guarded } from '../chat/dependency-errors';
import type { Principal, TokenVerifier } from './token-verifier';

/**
 * Who a token speaks for, on every way in (handshake, REST, reauthenticate): its signature
 * and claims (TokenVerifier), then the deny list in Redis, so a revoked user or token is
 * refused by every pod at once.
 */
export class Authenticator {
  constructor(
    readonly verifier: TokenVerifier,
    private readonly revocations: Pick<TokenRevocations, 'isRevoked'>,
  ) {}

  async authenticate(token: unknown): Promise<Principal> {
    const principal = this.verifier.verify(token);
    if (await guarded('token deny list (Redis)', () => this.revocations.isRevoked(principal))) {
      throw new ChatError(ErrorCode.UNAUTHORIZED, 'token revoked');
    }
    return principal;
  }
}
