import type { PushSubscriptionDoc } from '@campzone/store';
import { type PushServicePeer, startPushServicePeer } from '@campzone/testkit';
import { closeAllClients, connectAs, createRoom, eventually, send } from './harness/chat-clients';
import { pushEnv, pushesTo, rest, subscribeBrowser, vapidPair } from './harness/push';
import { metricValue, Stack } from './harness/stack';

// Web Push end to end: a real gateway and worker, and a local push service that checks the
// VAPID signature and decrypts every push with the subscription's keys, as a browser would.

const NOTIFY_DELAY_MS = 2000;
const keys = vapidPair();
let stack: Stack;
let peer: PushServicePeer;

beforeAll(async () => {
  peer = await startPushServicePeer({ vapidPublicKey: keys.publicKey });
  stack = await Stack.start(__filename, pushEnv(keys, NOTIFY_DELAY_MS));
}, 60_000);
afterEach(closeAllClients);
afterAll(async () => {
  await stack?.stop();
  await peer?.close();
});

const skipped = (reason: string) => metricValue(stack.workers[0]?.url ?? '', 'campzone_worker_notify_skipped_total', { reason });

/** Waits until the worker has settled one more due notification for `reason` without pushing. */
async function nextSkip(reason: string, action: () => Promise<unknown>): Promise<void> {
  const before = await skipped(reason);
  await action();
  await eventually(async () => (await skipped(reason)) > before, `a notification skipped as ${reason}`, 20_000);
}

test('an offline member who is mentioned gets one push naming the room, the sender and the message', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'lab-1', ['bob']);
  const bobs = await subscribeBrowser(stack.gatewayUrl, peer, 'bob');
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  const sentAt = Date.now();
  await send(ann, 'lab-1', 'the results are up @bob');

  await eventually(() => pushesTo(peer, bobs).length === 1, 'the push to bob', 20_000);
  const [push] = pushesTo(peer, bobs);
  expect(push).toEqual({
    type: 'messages',
    roomId: 'lab-1',
    roomName: 'lab-1',
    count: 1,
    senderId: 'ann',
    latestSeq: 1,
    mentioned: true,
    content: 'the results are up @bob',
  });
  const received = peer.received.find((p) => p.endpoint === bobs.endpoint);
  // Not before the member had NOTIFY_DELAY_MS to read it; signed for the push service's origin.
  expect((received?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(NOTIFY_DELAY_MS);
  expect(received?.claims.aud).toBe(peer.url);
  expect(received?.claims.sub).toBe('mailto:ops@campus.example');
  expect(received?.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
  // The sender is never told of their own message, and nothing more arrives for this one.
  await new Promise((r) => setTimeout(r, NOTIFY_DELAY_MS));
  expect(pushesTo(peer, bobs)).toHaveLength(1);
  expect(peer.refused).toEqual([]);
}, 40_000);

test('three messages within the delay fold into one notification with the count and the latest sender', async () => {
  await createRoom(stack.gatewayUrl, 'cy', 'dm-cy-dee', ['dee'], 'one-to-one');
  const dees = await subscribeBrowser(stack.gatewayUrl, peer, 'dee');
  const cy = await connectAs(stack.gatewayUrl, 'cy');
  await send(cy, 'dm-cy-dee', 'are you there?');
  await send(cy, 'dm-cy-dee', 'the lab moved');
  await send(cy, 'dm-cy-dee', 'room 204 now');

  await eventually(() => pushesTo(peer, dees).length > 0, 'the push to dee', 20_000);
  await new Promise((r) => setTimeout(r, NOTIFY_DELAY_MS));
  const pushes = pushesTo(peer, dees);
  expect(pushes).toHaveLength(1);
  // One-to-one rooms push every message by default, mention or not.
  expect(pushes[0]).toMatchObject({
    roomId: 'dm-cy-dee',
    count: 3,
    senderId: 'cy',
    latestSeq: 3,
    mentioned: false,
    content: 'room 204 now',
  });
}, 40_000);

test('a member who is online on any pod gets no push', async () => {
  await createRoom(stack.gatewayUrl, 'eli', 'lab-2', ['fay']);
  const fays = await subscribeBrowser(stack.gatewayUrl, peer, 'fay');
  await connectAs(stack.gatewayUrl, 'fay');
  const eli = await connectAs(stack.gatewayUrl, 'eli');
  await nextSkip('online', () => send(eli, 'lab-2', '@fay see the board'));
  expect(pushesTo(peer, fays)).toEqual([]);
}, 40_000);

test('a member who reads the message within the delay gets no push', async () => {
  await createRoom(stack.gatewayUrl, 'gus', 'lab-3', ['hal']);
  const hals = await subscribeBrowser(stack.gatewayUrl, peer, 'hal');
  const gus = await connectAs(stack.gatewayUrl, 'gus');
  await nextSkip('nothing_new', async () => {
    const sent = await send(gus, 'lab-3', 'quiz moved, @hal');
    // hal opens the page, reads it, and closes it again before the delay is over.
    const hal = await connectAs(stack.gatewayUrl, 'hal');
    const read = await hal.emitWithAck('mark_read', { roomId: 'lab-3', messageId: sent.messageId });
    expect(read.ok).toBe(true);
    hal.close();
  });
  expect(pushesTo(peer, hals)).toEqual([]);
}, 40_000);

test("a room set to 'none' pushes nothing, and a group room pushes no unmentioned message by default", async () => {
  await createRoom(stack.gatewayUrl, 'ivy', 'lab-4', ['jon', 'kim']);
  const jons = await subscribeBrowser(stack.gatewayUrl, peer, 'jon');
  const kims = await subscribeBrowser(stack.gatewayUrl, peer, 'kim');
  expect(await rest(stack.gatewayUrl, 'GET', '/v1/rooms/lab-4/notifications', 'jon')).toEqual({
    status: 200,
    body: { roomId: 'lab-4', userId: 'jon', level: 'mentions', isDefault: true },
  });
  const put = await rest(stack.gatewayUrl, 'PUT', '/v1/rooms/lab-4/notifications', 'jon', { level: 'none' });
  expect(put).toEqual({ status: 200, body: { roomId: 'lab-4', userId: 'jon', level: 'none', isDefault: false } });
  // kim asks for everything in the room: an unmentioned message reaches her, never jon.
  expect((await rest(stack.gatewayUrl, 'PUT', '/v1/rooms/lab-4/notifications', 'kim', { level: 'all' })).status).toBe(200);

  const ivy = await connectAs(stack.gatewayUrl, 'ivy');
  await nextSkip('level_none', () => send(ivy, 'lab-4', '@jon @kim lunch?'));
  await send(ivy, 'lab-4', 'anyone?');
  await eventually(() => pushesTo(peer, kims).some((p) => p.latestSeq === 2), 'kim hears of the unmentioned message', 20_000);
  expect(pushesTo(peer, jons)).toEqual([]);
}, 40_000);

test('messages from a blocked sender are never pushed', async () => {
  // A group room (a one-to-one room refuses the blocked sender's messages outright).
  await createRoom(stack.gatewayUrl, 'lea', 'lab-blocks', ['max']);
  const maxs = await subscribeBrowser(stack.gatewayUrl, peer, 'max');
  const lea = await connectAs(stack.gatewayUrl, 'lea');
  await send(lea, 'lab-blocks', 'hello @max');
  await eventually(() => pushesTo(peer, maxs).length === 1, 'the push before the block', 20_000);
  expect((await rest(stack.gatewayUrl, 'POST', '/v1/users/me/blocks', 'max', { userId: 'lea' })).status).toBe(201);
  await nextSkip('nothing_new', () => send(lea, 'lab-blocks', 'hello again @max'));
  expect(pushesTo(peer, maxs)).toHaveLength(1);
}, 40_000);

test('a subscription the push service says is gone (410) is removed', async () => {
  await createRoom(stack.gatewayUrl, 'ned', 'lab-5', ['ola']);
  const olas = await subscribeBrowser(stack.gatewayUrl, peer, 'ola');
  peer.answer(olas.endpoint, 410);
  const subscriptions = (await stack.db()).collection<PushSubscriptionDoc>('push_subscriptions');
  expect(await subscriptions.countDocuments({ userId: 'ola' })).toBe(1);
  const ned = await connectAs(stack.gatewayUrl, 'ned');
  await send(ned, 'lab-5', 'hi @ola');
  await eventually(async () => (await subscriptions.countDocuments({ userId: 'ola' })) === 0, 'the subscription removed', 20_000);
  expect(peer.refused.filter((r) => r.endpoint === olas.endpoint).map((r) => r.status)).toEqual([410]);
}, 40_000);

test('a malformed subscription is refused with 400 and nothing is stored', async () => {
  const subscriptions = (await stack.db()).collection<PushSubscriptionDoc>('push_subscriptions');
  const good = peer.subscribe();
  const notOnCurve = `B${'A'.repeat(86)}`;
  const bad: unknown[] = [
    { ...good, endpoint: 'not a url at all' },
    { ...good, endpoint: 'ftp://127.0.0.1/push/x' },
    { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 40) } },
    { ...good, keys: { ...good.keys, p256dh: notOnCurve } },
    { ...good, keys: { ...good.keys, auth: 'short' } },
    { ...good, keys: { p256dh: good.keys.p256dh } },
    { endpoint: good.endpoint },
    { ...good, endpoint: { $gt: '' } },
  ];
  for (const body of bad) {
    const reply = await rest(stack.gatewayUrl, 'POST', '/v1/users/me/push-subscriptions', 'pia', body);
    expect({ body, status: reply.status, code: (reply.body as { error?: { code?: string } }).error?.code }).toEqual({
      body,
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  }
  expect(await subscriptions.countDocuments({ userId: 'pia' })).toBe(0);

  // In production (no insecure allowance) only https endpoints of known push services pass.
  const strict = await stack.addGateway({ VAPID_PUBLIC_KEY: keys.publicKey });
  for (const endpoint of [good.endpoint, 'https://127.0.0.1/push/x', 'https://push.evil.example/x']) {
    const reply = await rest(strict.url, 'POST', '/v1/users/me/push-subscriptions', 'pia', { ...good, endpoint });
    expect({ endpoint, status: reply.status }).toEqual({ endpoint, status: 400 });
  }
  const fcm = { ...good, endpoint: 'https://fcm.googleapis.com/fcm/send/abc123' };
  expect((await rest(strict.url, 'POST', '/v1/users/me/push-subscriptions', 'pia', fcm)).status).toBe(201);
  expect((await rest(strict.url, 'POST', '/v1/users/me/push-subscriptions', 'pia', fcm)).status).toBe(200);
  expect(await rest(strict.url, 'DELETE', '/v1/users/me/push-subscriptions', 'pia', { endpoint: fcm.endpoint })).toEqual({
    status: 200,
    body: { endpoint: fcm.endpoint, removed: true },
  });
  expect(await subscriptions.countDocuments({ userId: 'pia' })).toBe(0);
}, 40_000);

test('the VAPID key is public, and a level is only for members and only one of the three', async () => {
  expect(await rest(stack.gatewayUrl, 'GET', '/v1/push/vapid-public-key', undefined)).toEqual({
    status: 200,
    body: { publicKey: keys.publicKey },
  });
  await createRoom(stack.gatewayUrl, 'quin', 'lab-6', []);
  expect((await rest(stack.gatewayUrl, 'PUT', '/v1/rooms/lab-6/notifications', 'rex', { level: 'all' })).status).toBe(403);
  expect((await rest(stack.gatewayUrl, 'PUT', '/v1/rooms/lab-6/notifications', 'quin', { level: 'loud' })).status).toBe(400);
  expect((await rest(stack.gatewayUrl, 'PUT', '/v1/rooms/lab-6/notifications', undefined, { level: 'all' })).status).toBe(401);
}, 40_000);
