/** The JWT claims the page shows; it never verifies a token (the gateway does). */
export interface TokenClaims {
  sub: string;
  username?: string;
  /** Seconds since the epoch. */
  exp?: number;
}

/** Reads a JWT's payload, or undefined when it is not a JWT with a string `sub`. */
export function readTokenClaims(token: string): TokenClaims | undefined {
  const payload = token.trim().split('.')[1];
  if (!payload) return undefined;
  let claims: unknown;
  try {
    const base64 = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    claims = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { sub, username, exp } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  return {
    sub,
    ...(typeof username === 'string' && username.length > 0 ? { username } : {}),
    ...(typeof exp === 'number' ? { exp } : {}),
  };
}

/** True when the token carries an expiry that has passed (with a minute's margin for clock skew). */
export function isExpired(claims: TokenClaims, nowMs: number = Date.now()): boolean {
  return claims.exp !== undefined && claims.exp * 1000 < nowMs + 60_000;
}
