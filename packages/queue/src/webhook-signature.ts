import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): the timestamp is signed, so a captured request cannot be replayed later with a fresh one. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a signed request: the signature matches (in constant time) and the timestamp (epoch
 * seconds) is within `toleranceS` of now. Answers why not, or null when it holds.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  toleranceS: number,
  nowMs = Date.now(),
): string | null {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed timestamp header';
  if (!signature) return 'missing signature header';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceS) return `timestamp is more than ${toleranceS} s away from now`;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature does not match';
  return null;
}
