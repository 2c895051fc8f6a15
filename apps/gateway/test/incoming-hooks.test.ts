import { createHmac } from 'node:crypto';
import type { CreatedHook, HistoryResponse, HookMessageResult } from '@campzone/protocol';
import jwt from 'jsonwebtoken';
import { api, closeAllClients, connectAs, createRoom, eventually, record } from './harness/chat-clients';
import { GatewayCluster, JWT_SECRET } from './harness/gateway-cluster';

jest.setTimeout(60_000);

/** Bots get the senders' limit like anyone: five messages per window here. */
const RATE_LIMIT = 5;

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2, { MESSAGE_RATE_LIMIT: String(RATE_LIMIT), MESSAGE_RATE_WINDOW_MS: '60000' });
});
afterEach(closeAllClients);
afterAll(async () => cluster?.stop());

function sign(secret: string, body: string, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  return {
    'x-campzone-timestamp': timestamp,
    'x-campzone-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
  };
}

async function postToHook(
  url: string,
  hookId: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/v1/hooks/${hookId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, body: await response.json() };
}

async function makeHook(roomId: string, name = 'LMS bot'): Promise<CreatedHook> {
  const reply = await api<CreatedHook>(cluster.url(0), 'POST', `/v1/rooms/${roomId}/hooks`, 'owner', { name });
  if (reply.status !== 201) throw new Error(`create hook: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function history(roomId: string): Promise<HistoryResponse> {
  return (await api<HistoryResponse>(cluster.url(0), 'GET', `/v1/rooms/${roomId}/messages`, 'owner')).body;
}

test('a signed post through a hook reaches a member socket on another pod as the bot, with a seq', async () => {
  await createRoom(cluster.url(0), 'owner', 'hook-room', ['student']);
  const hook = await makeHook('hook-room');
  expect(hook.secret.length).toBeGreaterThanOrEqual(32);
  const student = await connectAs(cluster.url(1), 'student');
  await student.emitWithAck('join_room', { roomId: 'hook-room' });
  const seen = record(student, 'new_message');
  const body = JSON.stringify({ content: 'Assignment 3 is posted' });
  const reply = await postToHook(cluster.url(0), hook.hookId, body, { ...sign(hook.secret, body), 'idempotency-key': 'lms-1' });
  expect(reply.status).toBe(201);
  const result = reply.body as HookMessageResult;
  expect(result).toMatchObject({ roomId: 'hook-room', duplicate: false });
  await eventually(() => seen.length === 1, 'new_message at the member');
  expect(seen[0]).toMatchObject({
    messageId: result.messageId,
    senderId: hook.botUserId,
    content: 'Assignment 3 is posted',
    seq: result.seq,
  });
  expect(result.seq).toBeGreaterThanOrEqual(1);
});

test('the same Idempotency-Key posted twice stores and broadcasts one message', async () => {
  await createRoom(cluster.url(0), 'owner', 'hook-idem', ['student']);
  const hook = await makeHook('hook-idem');
  const student = await connectAs(cluster.url(1), 'student');
  await student.emitWithAck('join_room', { roomId: 'hook-idem' });
  const seen = record(student, 'new_message');
  const body = JSON.stringify({ content: 'grades are out' });
  const first = await postToHook(cluster.url(0), hook.hookId, body, { ...sign(hook.secret, body), 'idempotency-key': 'grades-7' });
  const second = await postToHook(cluster.url(1), hook.hookId, body, { ...sign(hook.secret, body), 'idempotency-key': 'grades-7' });
  expect([first.status, second.status]).toEqual([201, 200]);
  expect((second.body as HookMessageResult).messageId).toBe((first.body as HookMessageResult).messageId);
  expect((second.body as HookMessageResult).duplicate).toBe(true);
  await eventually(() => seen.length >= 1, 'the broadcast');
  await new Promise((r) => setTimeout(r, 300));
  expect(seen).toHaveLength(1);
  expect((await history('hook-idem')).messages.filter((m) => m.senderId === hook.botUserId)).toHaveLength(1);
});

test('unsigned, wrongly signed, stale or unknown-hook posts are 401 and store nothing', async () => {
  await createRoom(cluster.url(0), 'owner', 'hook-bad', []);
  const hook = await makeHook('hook-bad');
  const body = JSON.stringify({ content: 'let me in' });
  const stale = String(Math.floor(Date.now() / 1000) - 3600);
  const attempts: Array<[string, Record<string, string>]> = [
    [hook.hookId, {}],
    [hook.hookId, sign('not-the-secret-at-all', body)],
    [hook.hookId, { ...sign(hook.secret, body), 'x-campzone-signature': sign(hook.secret, `${body} `)['x-campzone-signature'] ?? '' }],
    [hook.hookId, sign(hook.secret, body, stale)],
    ['0123456789abcdef01234567', sign(hook.secret, body)],
  ];
  for (const [hookId, headers] of attempts) {
    const reply = await postToHook(cluster.url(0), hookId, body, headers);
    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  }
  // Signed but malformed: a clear 400, nothing stored either.
  const bad = JSON.stringify({ content: '' });
  expect((await postToHook(cluster.url(0), hook.hookId, bad, sign(hook.secret, bad))).status).toBe(400);
  expect((await history('hook-bad')).messages).toHaveLength(0);
});

test("a hook's bot is held to the senders' rate limit", async () => {
  await createRoom(cluster.url(0), 'owner', 'hook-rate', []);
  const hook = await makeHook('hook-rate');
  const statuses: number[] = [];
  for (let i = 0; i <= RATE_LIMIT; i++) {
    const body = JSON.stringify({ content: `alert ${i}` });
    statuses.push((await postToHook(cluster.url(0), hook.hookId, body, sign(hook.secret, body))).status);
  }
  expect(statuses).toEqual([...new Array<number>(RATE_LIMIT).fill(201), 429]);
});

test('only room owners and admins, or campus admins, make hooks', async () => {
  await createRoom(cluster.url(0), 'owner', 'hook-auth', ['student']);
  const byMember = await api(cluster.url(0), 'POST', '/v1/rooms/hook-auth/hooks', 'student', { name: 'sneaky' });
  expect(byMember.status).toBe(403);
  const campusAdmin = jwt.sign({ role: 'campus-admin' }, JWT_SECRET, { algorithm: 'HS256', subject: 'it-desk', expiresIn: 600 });
  const response = await fetch(`${cluster.url(0)}/v1/rooms/hook-auth/hooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${campusAdmin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Help desk' }),
  });
  expect(response.status).toBe(201);
});

test('a deleted hook is refused from then on, its bot leaves the room, and listings never show a secret', async () => {
  await createRoom(cluster.url(0), 'owner', 'hook-revoke', ['student']);
  const hook = await makeHook('hook-revoke', 'Alerts');
  const listed = await api<{ hooks: Array<Record<string, unknown>> }>(cluster.url(0), 'GET', '/v1/rooms/hook-revoke/hooks', 'owner');
  expect(listed.body.hooks).toEqual([expect.objectContaining({ hookId: hook.hookId, name: 'Alerts', botUserId: hook.botUserId })]);
  expect(JSON.stringify(listed.body)).not.toContain(hook.secret);
  expect((await api(cluster.url(0), 'DELETE', `/v1/rooms/hook-revoke/hooks/${hook.hookId}`, 'student')).status).toBe(403);
  expect((await api(cluster.url(0), 'DELETE', `/v1/rooms/hook-revoke/hooks/${hook.hookId}`, 'owner')).status).toBe(204);
  const body = JSON.stringify({ content: 'still here?' });
  expect((await postToHook(cluster.url(1), hook.hookId, body, sign(hook.secret, body))).status).toBe(401);
  const members = await api<{ members: Array<{ userId: string }> }>(cluster.url(0), 'GET', '/v1/rooms/hook-revoke/participants', 'owner');
  expect(members.body.members.map((m) => m.userId)).not.toContain(hook.botUserId);
  expect((await history('hook-revoke')).messages).toHaveLength(0);
});
