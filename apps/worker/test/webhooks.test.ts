import { createHmac } from 'node:crypto';
import type { CreatedHook, Webhook, WebhookDeliveries, WebhookList, WebhookPayload } from '@campzone/protocol';
import { ackEverything, closeAllClients, connectAs, createRoom, eventually, send, statusesSeenBy } from './harness/chat-clients';
import { Stack } from './harness/stack';
import { type ReceivedRequest, WebhookReceiver } from './harness/webhook-receiver';

jest.setTimeout(90_000);

const SECRET = 'receiver-shared-secret-0123';
/** The worker's delivery settings here: three attempts, 100 ms then 200 ms apart. */
const webhookEnv = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_BACKOFF_MS: '100',
  WEBHOOK_DISPATCH_INTERVAL_MS: '500',
  WEBHOOK_TIMEOUT_MS: '3000',
};

let stack: Stack;
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  stack = await Stack.start(__filename, { gatewayEnv: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }, workerEnv: webhookEnv });
});
afterEach(closeAllClients);
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

async function adminToken(url: string, userId: string, campusAdmin = true): Promise<string> {
  const response = await fetch(`${url}/v1/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, ...(campusAdmin ? { role: 'campus-admin' } : {}) }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function api<T>(url: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function register(path: string, roomId: string, events: string[], url = stack.gatewayUrl): Promise<Webhook> {
  const token = await adminToken(url, 'campus-it');
  const reply = await api<Webhook>(url, 'POST', '/v1/webhooks', token, {
    url: receiver.url(path),
    events,
    roomIds: [roomId],
    secret: SECRET,
  });
  if (reply.status !== 201) throw new Error(`register webhook: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function deliveriesOf(webhookId: string): Promise<WebhookDeliveries['deliveries']> {
  const reply = await api<WebhookDeliveries>(
    stack.gatewayUrl,
    'GET',
    `/v1/webhooks/${webhookId}/deliveries`,
    await adminToken(stack.gatewayUrl, 'campus-it'),
  );
  return reply.body.deliveries;
}

/** What a receiver must do: recompute the HMAC over `${timestamp}.${body}` with its secret. */
function verified(request: ReceivedRequest): WebhookPayload {
  const timestamp = String(request.headers['x-campzone-timestamp']);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${request.body}`).digest('hex')}`;
  expect(request.headers['x-campzone-signature']).toBe(expected);
  expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
  return JSON.parse(request.body) as WebhookPayload;
}

test('message and member events of a subscribed room reach the receiver signed with its secret', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'wh-events', ['bob']);
  await register('/events', 'wh-events', ['message.created', 'message.edited', 'message.deleted', 'member.added', 'member.removed']);
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  const sent = await send(ann, 'wh-events', 'the quiz moved to Friday');
  await eventually(() => receiver.at('/events').length >= 1, 'message.created delivery');
  const created = verified(receiver.at('/events')[0] as ReceivedRequest);
  expect(created).toMatchObject({ event: 'message.created', roomId: 'wh-events', eventId: `created-${sent.messageId}` });
  expect(created.data).toMatchObject({ messageId: sent.messageId, senderId: 'ann', content: 'the quiz moved to Friday', seq: sent.seq });
  expect(receiver.at('/events')[0]?.headers['x-campzone-event']).toBe('message.created');

  const edit = await ann.emitWithAck('edit_message', {
    roomId: 'wh-events',
    messageId: sent.messageId,
    content: 'the quiz moved to Monday',
  });
  expect(edit.ok).toBe(true);
  const del = await ann.emitWithAck('delete_message', { roomId: 'wh-events', messageId: sent.messageId });
  expect(del.ok).toBe(true);
  const added = await api(stack.gatewayUrl, 'POST', '/v1/rooms/wh-events/participants', await adminToken(stack.gatewayUrl, 'ann', false), {
    userId: 'cat',
  });
  expect(added.status).toBe(201);
  await eventually(() => receiver.at('/events').length >= 4, 'edit, delete and member deliveries');
  const events = receiver.at('/events').map(verified);
  expect(events.map((e) => e.event).sort()).toEqual(['member.added', 'message.created', 'message.deleted', 'message.edited']);
  expect(events.find((e) => e.event === 'member.added')?.data).toMatchObject({ userId: 'cat', actorId: 'ann' });
  expect(events.find((e) => e.event === 'message.deleted')?.data).toMatchObject({ messageId: sent.messageId, deletedBy: 'ann' });
});

test('a receiver that fails twice gets the same signed event a third time, and the log shows every attempt', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'wh-flaky', []);
  receiver.answer('/flaky', [500, 502, 204]);
  const webhook = await register('/flaky', 'wh-flaky', ['message.created']);
  const sent = await send(await connectAs(stack.gatewayUrl, 'ann'), 'wh-flaky', 'retry me');
  await eventually(() => receiver.at('/flaky').length >= 3, 'three attempts');
  const attempts = receiver.at('/flaky');
  const bodies = new Set(attempts.map((a) => a.body));
  expect(bodies.size).toBe(1);
  for (const attempt of attempts) expect(verified(attempt).eventId).toBe(`created-${sent.messageId}`);
  // Exponential backoff: 100 ms, then 200 ms.
  expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(90);
  expect((attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0)).toBeGreaterThanOrEqual(190);
  await eventually(async () => (await deliveriesOf(webhook.webhookId)).length >= 3, 'three log entries');
  const log = (await deliveriesOf(webhook.webhookId)).reverse();
  expect(log.map((d) => [d.attempt, d.ok, d.statusCode, d.final])).toEqual([
    [1, false, 500, false],
    [2, false, 502, false],
    [3, true, 204, true],
  ]);
  const list = await api<WebhookList>(stack.gatewayUrl, 'GET', '/v1/webhooks', await adminToken(stack.gatewayUrl, 'campus-it'));
  expect(list.body.webhooks.find((w) => w.webhookId === webhook.webhookId)?.status).toBe('active');
});

test('a receiver that keeps failing is tried WEBHOOK_MAX_ATTEMPTS times, then the webhook is marked failing', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'wh-down', []);
  receiver.answer('/down', [503]);
  const webhook = await register('/down', 'wh-down', ['message.created']);
  await send(await connectAs(stack.gatewayUrl, 'ann'), 'wh-down', 'nobody home');
  const token = await adminToken(stack.gatewayUrl, 'campus-it');
  await eventually(async () => {
    const list = await api<WebhookList>(stack.gatewayUrl, 'GET', '/v1/webhooks', token);
    return list.body.webhooks.find((w) => w.webhookId === webhook.webhookId)?.status === 'failing';
  }, 'webhook marked failing');
  const list = await api<WebhookList>(stack.gatewayUrl, 'GET', '/v1/webhooks', token);
  expect(list.body.webhooks.find((w) => w.webhookId === webhook.webhookId)?.lastError).toMatch(/receiver answered 503/);
  await new Promise((r) => setTimeout(r, 1000)); // no fourth attempt comes
  expect(receiver.at('/down')).toHaveLength(3);
  const log = await deliveriesOf(webhook.webhookId);
  expect(log.map((d) => d.final)).toEqual([true, false, false]);
  // The log is its owner's: another campus admin finds nothing.
  const other = await api(
    stack.gatewayUrl,
    'GET',
    `/v1/webhooks/${webhook.webhookId}/deliveries`,
    await adminToken(stack.gatewayUrl, 'other-admin'),
  );
  expect(other.status).toBe(404);
});

test('a redirect is never followed: the target it names gets nothing', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'wh-moved', []);
  receiver.answer('/moved', [302], receiver.url('/redirect-target'));
  const webhook = await register('/moved', 'wh-moved', ['message.created']);
  await send(await connectAs(stack.gatewayUrl, 'ann'), 'wh-moved', 'follow me?');
  await eventually(async () => (await deliveriesOf(webhook.webhookId)).some((d) => d.final), 'the last attempt');
  expect(receiver.at('/moved')).toHaveLength(3);
  expect(receiver.at('/redirect-target')).toHaveLength(0);
  expect((await deliveriesOf(webhook.webhookId))[0]?.error).toMatch(/redirect \(302\) not followed/);
});

test('an event acknowledged by a gateway that dies right after the ack is still delivered', async () => {
  const doomed = await stack.addGateway({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  await createRoom(doomed.url, 'ann', 'wh-crash', []);
  await register('/crash', 'wh-crash', ['message.created'], doomed.url);
  const ann = await connectAs(doomed.url, 'ann');
  const sent = await send(ann, 'wh-crash', 'said just before the crash');
  doomed.proc.kill('SIGKILL');
  await eventually(() => receiver.at('/crash').length >= 1, 'delivery after the crash');
  expect(verified(receiver.at('/crash')[0] as ReceivedRequest).data).toMatchObject({ messageId: sent.messageId });
});

test('registering a private, loopback or link-local URL without the allowlist is a clear 400 and stores nothing', async () => {
  const strict = await stack.addGateway({ WEBHOOK_ALLOWED_HOSTS: '' });
  const token = await adminToken(strict.url, 'strict-admin');
  const port = new URL(receiver.url('/')).port;
  const refused: Array<[string, RegExp]> = [
    [receiver.url('/private'), /127\.0\.0\.1, a loopback address/],
    [`http://localhost:${port}/x`, /loopback/],
    [`http://[::1]:${port}/x`, /loopback/],
    [`http://[::ffff:127.0.0.1]:${port}/x`, /loopback/],
    ['http://10.20.30.40/x', /private/],
    ['http://192.168.1.1/x', /private/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://[fe80::1]/x', /link-local/],
    ['ftp://example.org/x', /only http and https/],
    ['http://user:pw@example.org/x', /credentials/],
  ];
  for (const [url, why] of refused) {
    const reply = await api<{ error: { code: string; message: string } }>(strict.url, 'POST', '/v1/webhooks', token, {
      url,
      events: ['message.created'],
      secret: SECRET,
    });
    expect([url, reply.status, reply.body.error.code]).toEqual([url, 400, 'VALIDATION_FAILED']);
    expect(reply.body.error.message).toMatch(why);
  }
  const list = await api<WebhookList>(strict.url, 'GET', '/v1/webhooks', token);
  expect(list.body.webhooks).toEqual([]);
  // Without the campus-admin scope, nobody registers anything.
  const student = await api(strict.url, 'POST', '/v1/webhooks', await adminToken(strict.url, 'student', false), {
    url: 'https://example.org/hook',
    events: ['message.created'],
    secret: SECRET,
  });
  expect(student.status).toBe(403);
});

test('a worker without the allowlist sends nothing to 127.0.0.1, logs the refusal and marks the webhook failing', async () => {
  const strict = await Stack.start(`${__filename}-strict`, {
    gatewayEnv: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' },
    workerEnv: { ...webhookEnv, WEBHOOK_ALLOWED_HOSTS: '' },
  });
  try {
    await createRoom(strict.gatewayUrl, 'ann', 'wh-strict', []);
    const token = await adminToken(strict.gatewayUrl, 'campus-it');
    const created = await api<Webhook>(strict.gatewayUrl, 'POST', '/v1/webhooks', token, {
      url: receiver.url('/never'),
      events: ['message.created'],
      roomIds: ['wh-strict'],
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    await send(await connectAs(strict.gatewayUrl, 'ann'), 'wh-strict', 'stay inside');
    await eventually(async () => {
      const log = await api<WebhookDeliveries>(strict.gatewayUrl, 'GET', `/v1/webhooks/${created.body.webhookId}/deliveries`, token);
      return log.body.deliveries.length > 0;
    }, 'the refused attempt in the log');
    const log = await api<WebhookDeliveries>(strict.gatewayUrl, 'GET', `/v1/webhooks/${created.body.webhookId}/deliveries`, token);
    expect(log.body.deliveries).toHaveLength(1);
    expect(log.body.deliveries[0]).toMatchObject({ ok: false, final: true });
    expect(log.body.deliveries[0]?.error).toMatch(/refused: .*127\.0\.0\.1, a loopback address/);
    const list = await api<WebhookList>(strict.gatewayUrl, 'GET', '/v1/webhooks', token);
    expect(list.body.webhooks[0]?.status).toBe('failing');
    expect(receiver.at('/never')).toHaveLength(0);
  } finally {
    await strict.stop();
  }
});

test("an incoming hook's bot never holds its room's status back: people's messages are DELIVERED once the people have them", async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'hook-status', ['bob']);
  const made = await api<CreatedHook>(
    stack.gatewayUrl,
    'POST',
    '/v1/rooms/hook-status/hooks',
    await adminToken(stack.gatewayUrl, 'ann', false),
    {
      name: 'LMS',
    },
  );
  expect(made.status).toBe(201);
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  const bob = await connectAs(stack.gatewayUrl, 'bob');
  ackEverything(ann);
  ackEverything(bob);
  await send(ann, 'hook-status', 'did everyone get the lab?');
  await eventually(async () => (await statusesSeenBy(ann, 'hook-status')).includes('DELIVERED'), 'the message DELIVERED');
});

test('a webhook for every room hears who a new room is created with', async () => {
  const token = await adminToken(stack.gatewayUrl, 'campus-it');
  const created = await api<Webhook>(stack.gatewayUrl, 'POST', '/v1/webhooks', token, {
    url: receiver.url('/rooms'),
    events: ['member.added'],
    secret: SECRET,
  });
  expect(created.status).toBe(201);
  expect(created.body.roomIds).toBeUndefined();
  await createRoom(stack.gatewayUrl, 'dana', 'wh-new-room', ['eli', 'fay']);
  await eventually(() => receiver.at('/rooms').filter((r) => r.body.includes('wh-new-room')).length >= 3, 'three member.added events');
  const added = receiver
    .at('/rooms')
    .map(verified)
    .filter((e) => e.roomId === 'wh-new-room');
  expect(added.map((e) => e.data.userId).sort()).toEqual(['dana', 'eli', 'fay']);
  expect(new Set(added.map((e) => e.data.actorId))).toEqual(new Set(['dana']));
});
