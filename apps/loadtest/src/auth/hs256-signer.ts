import { createHmac } from 'node:crypto';

/**
 * Signs an HS256 JWT whose `sub` is the user id, as the gateway's verifier expects. Written
 * here (a dozen lines of node:crypto) rather than pulling jsonwebtoken into the load tester,
 * which signs thousands of tokens and needs nothing else from a JWT library.
 */
export function signHs256(secret: string, userId: string, ttlSeconds = 24 * 3600, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ sub: userId, iat, exp: iat + ttlSeconds }));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The `sub` of an HS256 token signed with `secret`, or undefined when the signature or expiry is wrong. */
export function verifyHs256(secret: string, token: string, nowMs = Date.now()): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  if (expected !== signature) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { sub, exp } = claims as { sub?: unknown; exp?: unknown };
    if (typeof sub !== 'string') return undefined;
    if (typeof exp === 'number' && exp * 1000 < nowMs) return undefined;
    return sub;
  } catch {
    return undefined;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
