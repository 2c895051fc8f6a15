import { createECDH } from 'node:crypto';
import type { ParticipantDoc, PushSubscriptionDoc } from '@campzone/store';
import { type BrowserSubscription, type PushServicePeer, startPushServicePeer } from '@campzone/testkit';
import type { Browser } from 'playwright-core';
import { GatewayCluster } from '../harness/gateway-cluster';
import { ChatPage } from './chat-page';
import { launchChromium } from './chromium';

// The web client's notification controls in a real Chromium: "Enable notifications" registers
// the service worker from the gateway and hands the subscription to it; "Notify me" sets the
// open room's level. Headless Chromium reaches no push service, so PushManager.subscribe alone
// is replaced: it answers a subscription of the local push-service peer (real keys), checking it
// was asked with the server's VAPID key. The worker's pushes are tested in apps/worker.

const WAIT_MS = 15_000;
const vapid = createECDH('prime256v1');
vapid.generateKeys();
const VAPID_PUBLIC_KEY = vapid.getPublicKey().toString('base64url');

let cluster: GatewayCluster;
let browser: Browser;
let peer: PushServicePeer;
const pages: ChatPage[] = [];

beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1, { VAPID_PUBLIC_KEY, PUSH_ALLOW_INSECURE_ENDPOINTS: 'true' });
  peer = await startPushServicePeer({ vapidPublicKey: VAPID_PUBLIC_KEY });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(pages.map((p) => p.close()));
  await browser?.close();
  await peer?.close();
  await cluster?.stop();
});

/** Stands in for the browser's push service: subscribe() answers `subscription` and records the key it was given. */
function fakePushService(subscription: BrowserSubscription): string {
  return `(() => {
    const subscription = ${JSON.stringify(subscription)};
    PushManager.prototype.subscribe = async function (options) {
      const key = new Uint8Array(options.applicationServerKey);
      window.__subscribedWithKey = btoa(String.fromCharCode(...key)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
      return { endpoint: subscription.endpoint, toJSON: () => subscription, unsubscribe: async () => true };
    };
    PushManager.prototype.getSubscription = async function () { return null; };
  })()`;
}

test('"Enable notifications" registers the service worker and posts the subscription; "Notify me" sets the room\'s level', async () => {
  const subscription = peer.subscribe();
  const uma = await ChatPage.open(browser, cluster.url(0));
  pages.push(uma);
  await uma.context.grantPermissions(['notifications'], { origin: cluster.url(0) });
  await uma.context.addInitScript(fakePushService(subscription));
  await uma.page.reload();
  await uma.signIn('uma', 'Uma');
  const db = await cluster.db();
  const subscriptions = db.collection<PushSubscriptionDoc>('push_subscriptions');

  await uma.page.getByRole('button', { name: 'Enable notifications' }).click();
  await uma.page.getByRole('status').getByText('Notifications are on.').waitFor({ timeout: WAIT_MS });
  expect(await uma.page.evaluate('window.__subscribedWithKey')).toBe(VAPID_PUBLIC_KEY);
  const stored = await subscriptions.findOne({ userId: 'uma' }, { projection: { _id: 0, createdAt: 0 } });
  expect(stored).toEqual({ endpoint: subscription.endpoint, userId: 'uma', keys: subscription.keys, expirationTime: null });
  // The gateway served the worker script, and it controls the page's whole origin.
  const worker = await uma.page.evaluate(
    "navigator.serviceWorker.getRegistration('/').then((r) => ({ script: r?.active?.scriptURL, scope: r?.scope }))",
  );
  expect(worker).toEqual({ script: `${cluster.url(0)}/sw.js`, scope: `${cluster.url(0)}/` });

  // A group room starts at "Mentions only"; choosing "Never" is stored for uma in that room.
  await uma.createRoom('Chem lab', 'group', 'vic');
  const level = uma.page.getByLabel('Notify me');
  // The level arrives by REST after the room opens; until then the selector shows its first option.
  const levelDeadline = Date.now() + WAIT_MS;
  while ((await level.inputValue()) !== 'mentions' && Date.now() < levelDeadline) await uma.page.waitForTimeout(50);
  await expect(level.inputValue()).resolves.toBe('mentions');
  await level.selectOption('none');
  const participants = db.collection<ParticipantDoc>('chat_participants');
  const deadline = Date.now() + WAIT_MS;
  while ((await participants.findOne({ userId: 'uma', notificationLevel: 'none' })) === null) {
    if (Date.now() > deadline) throw new Error('the level was never stored');
    await uma.page.waitForTimeout(50);
  }

  await uma.page.getByRole('button', { name: 'Turn off notifications' }).click();
  await uma.page.getByRole('button', { name: 'Enable notifications' }).waitFor({ timeout: WAIT_MS });
  expect(await subscriptions.countDocuments({ userId: 'uma' })).toBe(0);
  expect(uma.cspViolations).toEqual([]);
}, 90_000);
