import { signHs256 } from './hs256-signer';

/** Where a virtual user's JWT comes from. */
export type TokenSource = (userId: string) => Promise<string>;

/** Signs tokens locally with the gateways' JWT_SECRET: no request per user, so it scales to 10 000s. */
export function secretTokenSource(secret: string): TokenSource {
  return (userId) => Promise.resolve(signHs256(secret, userId));
}

/**
 * Asks a gateway's dev-token endpoint (`POST /v1/dev/token`, on when AUTH_DEV_TOKENS=true),
 * spreading the requests over every URL given.
 */
export function devTokenSource(urls: readonly string[], fetchImpl: typeof fetch = fetch): TokenSource {
  let next = 0;
  return async (userId) => {
    const url = urls[next++ % urls.length]!;
    const response = await fetchImpl(`${url}/v1/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; error?: { message?: unknown } };
    if (!response.ok || typeof body.token !== 'string') {
      const reason = typeof body.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`;
      throw new Error(`dev token for ${userId} from ${url} refused: ${reason} (is AUTH_DEV_TOKENS=true? else pass --jwt-secret)`);
    }
    return body.token;
  };
}
