import type { PushPayload } from '@campzone/protocol';
import type { BrowserSubscription, PushServicePeer } from '@campzone/testkit';
import webpush from 'web-push';
import { tokenFor } from './chat-clients';

/** A VAPID pair for one test file, as `npm start` makes for development. */
export function vapidPair(): { publicKey: string; privateKey: string } {
  return webpush.generateVAPIDKeys();
}

/** What a gateway and a worker need to push to the local push-service peer. */
export function pushEnv(keys: { publicKey: string; privateKey: string }, notifyDelayMs: number) {
  return {
    gatewayEnv: { VAPID_PUBLIC_KEY: keys.publicKey, PUSH_ALLOW_INSECURE_ENDPOINTS: 'true' },
    workerEnv: {
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: 'mailto:ops@campus.example',
      NOTIFY_DELAY_MS: String(notifyDelayMs),
    },
  };
}

export async function rest(
  url: string,
  method: string,
  path: string,
  userId: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (userId) headers.authorization = `Bearer ${await tokenFor(url, userId)}`;
  const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A browser of userId subscribes at the peer and hands the subscription to the gateway, as the web client does. */
export async function subscribeBrowser(url: string, peer: PushServicePeer, userId: string): Promise<BrowserSubscription> {
  const subscription = peer.subscribe();
  const reply = await rest(url, 'POST', '/v1/users/me/push-subscriptions', userId, subscription);
  if (reply.status !== 201) throw new Error(`subscribe ${userId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return subscription;
}

/** The decrypted payloads pushed to one subscription so far. */
export function pushesTo(peer: PushServicePeer, subscription: BrowserSubscription): PushPayload[] {
  return peer.received.filter((p) => p.endpoint === subscription.endpoint).map((p) => JSON.parse(p.text) as PushPayload);
}
