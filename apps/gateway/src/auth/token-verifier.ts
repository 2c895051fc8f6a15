import type { JwtSettings } from '@campzone/config';
import { ChatError, compile, ErrorCode, UserIdSchema } from '@campzone/protocol';
import jwt from 'jsonwebtoken';

const userIdValidator = compile(UserIdSchema);

export interface Principal {
  userId: string;
  username?: string;
  /** When the token expires (its `exp`), in epoch ms. */
  expiresAtMs: number;
  /** When it was issued (`iat`), in epoch ms; revoking a user refuses tokens issued before then. */
  issuedAtMs?: number;
  /** Its `jti`, when it has one: one token can be revoked by it. */
  tokenId?: string;
  /** A `role: 'campus-admin'` claim: may revoke tokens, manage webhooks and incoming hooks of any room. */
  campusAdmin: boolean;
}

/**
 * Verifies tokens with the configured algorithm pinned, so `none` and HS/RS confusion are
 * refused; `exp` is required and `aud`/`iss` are checked when configured.
 */
export class TokenVerifier {
  constructor(private readonly settings: JwtSettings) {}

  verify(token: unknown): Principal {
    if (typeof token !== 'string' || token.length === 0) throw new ChatError(ErrorCode.UNAUTHORIZED, 'missing token');
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.settings.verifyKey, {
        algorithms: [this.settings.algorithm],
        ...(this.settings.audience ? { audience: this.settings.audience } : {}),
        ...(this.settings.issuer ? { issuer: this.settings.issuer } : {}),
      });
    } catch (err) {
      const reason = err instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token';
      throw new ChatError(ErrorCode.UNAUTHORIZED, reason);
    }
    if (typeof payload === 'string' || typeof payload.exp !== 'number') throw new ChatError(ErrorCode.UNAUTHORIZED, 'token has no exp');
    if (!userIdValidator.check(payload.sub)) throw new ChatError(ErrorCode.UNAUTHORIZED, 'token sub is not a valid user id');
    const username = typeof payload.username === 'string' ? payload.username : undefined;
    const principal: Principal = { userId: payload.sub, expiresAtMs: payload.exp * 1000, campusAdmin: payload.role === 'campus-admin' };
    if (username) principal.username = username;
    if (typeof payload.iat === 'number') principal.issuedAtMs = payload.iat * 1000;
    if (typeof payload.jti === 'string' && payload.jti.length > 0) principal.tokenId = payload.jti;
    return principal;
  }

  /** Dev tokens (AUTH_DEV_TOKENS=true) are HS256 tokens signed with JWT_SECRET. */
  signDevToken(principal: Pick<Principal, 'userId' | 'username' | 'campusAdmin'>, ttlSeconds: number): string {
    if (!this.settings.signKey) throw new ChatError(ErrorCode.FORBIDDEN, 'dev tokens need JWT_SECRET');
    const claims = {
      ...(principal.username ? { username: principal.username } : {}),
      ...(principal.campusAdmin ? { role: 'campus-admin' } : {}),
    };
    return jwt.sign(claims, this.settings.signKey, {
      algorithm: 'HS256',
      subject: principal.userId,
      expiresIn: ttlSeconds,
      ...(this.settings.audience ? { audience: this.settings.audience } : {}),
      ...(this.settings.issuer ? { issuer: this.settings.issuer } : {}),
    });
  }
}

/** Token from the Socket.IO handshake: `auth: { token }`, else `Authorization: Bearer`. */
export function bearerOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}
