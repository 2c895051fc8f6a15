import { createHash } from 'node:crypto';
import type { PushSubscriptionDoc } from '@campzone/store';
import webpush from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** sent: the push service took it; gone: the subscription expired (404/410), drop it; retry: try later; rejected: it refused this request. */
export type PushOutcome = 'sent' | 'gone' | 'retry' | 'rejected';

export interface PushResult {
  outcome: PushOutcome;
  status?: number;
  error?: string;
}

/** A day: a phone that is off keeps its notifications that long at the push service. */
const PUSH_TTL_SECONDS = 86_400;

/**
 * Sends one Web Push (RFC 8030) with an aes128gcm-encrypted payload (RFC 8291) and a VAPID
 * signature (RFC 8292). web-push builds the request (encryption, JWT); fetch posts it, so the
 * timeout is ours and an `http:` endpoint works too: web-push's own sender speaks https only,
 * and the tests' push service is a plain local server (the gateway accepts http endpoints only
 * with PUSH_ALLOW_INSECURE_ENDPOINTS).
 */
export class PushSender {
  constructor(
    private readonly vapid: VapidKeys,
    private readonly timeoutMs: number,
  ) {}

  async send(subscription: Pick<PushSubscriptionDoc, 'endpoint' | 'keys'>, payload: string, topicKey: string): Promise<PushResult> {
    let response: Response;
    try {
      const details = webpush.generateRequestDetails({ endpoint: subscription.endpoint, keys: subscription.keys }, payload, {
        vapidDetails: this.vapid,
        TTL: PUSH_TTL_SECONDS,
        // One topic per room: a push service still holding an undelivered one replaces it.
        topic: topicOf(topicKey),
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(details.headers)) {
        // fetch computes the length of the body itself.
        if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
      }
      response = await fetch(details.endpoint, {
        method: 'POST',
        headers,
        body: details.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      return { outcome: 'retry', error: err instanceof Error ? err.message : String(err) };
    }
    // The push service's answer body says nothing we act on.
    await response.body?.cancel();
    const status = response.status;
    if (status >= 200 && status < 300) return { outcome: 'sent', status };
    if (status === 404 || status === 410) return { outcome: 'gone', status };
    if (status === 429 || status >= 500) return { outcome: 'retry', status };
    return { outcome: 'rejected', status };
  }
}

/** RFC 8030 Topic: at most 32 base64url characters. */
function topicOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 32);
}
