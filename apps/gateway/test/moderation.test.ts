import type { AuditPage, MessageSent, RosterResult } from '@campzone/protocol';
import { api, type ClientSocket, closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

const url = (pod: number) => cluster.url(pod);

async function send(socket: ClientSocket, roomId: string, content: string) {
  return socket.emitWithAck('send_message', sendArgs(roomId, content));
}

async function sent(socket: ClientSocket, roomId: string, content: string): Promise<MessageSent> {
  const ack = await send(socket, roomId, content);
  if (!ack.ok) throw new Error(ack.error.message);
  return ack;
}

async function audit(roomId: string, actor: string): Promise<AuditPage['entries']> {
  const page = await api<AuditPage>(url(1), 'GET', `/v1/rooms/${roomId}/audit?limit=100`, actor);
  if (page.status !== 200) throw new Error(`audit: ${page.status}`);
  return page.body.entries;
}

test('a member removed on pod A stops receiving on pod B at once and is refused every read and write', async () => {
  await createRoom(url(0), 'own', 'removal', ['mod', 'gone', 'stay']);
  await api(url(0), 'PATCH', '/v1/rooms/removal/participants/mod', 'own', { role: 'moderator' });
  const gone = await connectAs(url(1), 'gone');
  const stay = await connectAs(url(1), 'stay');
  const own = await connectAs(url(0), 'own');
  // Warm pod B's membership cache: the removal must reach it by signal, not by expiry.
  await sent(gone, 'removal', 'hello');
  const toGone = record(gone, 'new_message');
  const told = record(stay, 'participant_removed');

  const removal = await api(url(0), 'DELETE', '/v1/rooms/removal/participants/gone', 'mod');
  expect(removal.status).toBe(204);
  const removedAt = Date.now();
  await eventually(() => told.length === 1, 'participant_removed on pod B', 1000);
  expect(told[0]).toEqual({ roomId: 'removal', userId: 'gone', by: 'mod' });

  await eventually(async () => !(await send(gone, 'removal', 'still here?')).ok, 'the send refused', 1000);
  expect(Date.now() - removedAt).toBeLessThan(1000);
  const after = await sent(own, 'removal', 'not for gone');
  await sent(stay, 'removal', 'nor this');
  await eventually(async () => (await api(url(1), 'GET', '/v1/rooms/removal/messages', 'stay')).status === 200, 'history');
  expect(toGone.filter((m) => m.seq >= after.seq)).toEqual([]);
  for (const [event, payload] of [
    ['sync', { roomId: 'removal', afterSeq: 0 }],
    ['get_messages', { roomId: 'removal' }],
    ['send_message', sendArgs('removal', 'let me back')],
    ['mark_read', { roomId: 'removal', messageId: after.messageId }],
  ] as const) {
    const answer = await (gone as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck(event, payload);
    expect([event, answer]).toEqual([event, { ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } }]);
  }
  expect((await api(url(1), 'GET', '/v1/rooms/removal/messages', 'gone')).status).toBe(403);
  expect((await audit('removal', 'own')).filter((e) => e.action === 'member.removed')).toEqual([
    expect.objectContaining({ actorId: 'mod', targetId: 'gone', before: { role: 'member' } }),
  ]);
});

test('roles: what each may do, rank over whom they act on, and a room always keeps an owner', async () => {
  await createRoom(url(0), 'boss', 'roles', ['adm', 'mem', 'ro']);
  const as = (actor: string, method: string, path: string, body?: unknown) => api(url(1), method, path, actor, body);
  expect((await as('boss', 'PATCH', '/v1/rooms/roles/participants/adm', { role: 'admin' })).status).toBe(200);
  expect((await as('boss', 'PATCH', '/v1/rooms/roles/participants/ro', { role: 'readonly' })).status).toBe(200);
  expect((await as('mem', 'PATCH', '/v1/rooms/roles/participants/ro', { role: 'member' })).status).toBe(403);
  expect((await as('adm', 'PATCH', '/v1/rooms/roles/participants/mem', { role: 'owner' })).status).toBe(403);
  expect((await as('adm', 'PATCH', '/v1/rooms/roles/participants/boss', { role: 'member' })).status).toBe(403);
  expect((await as('adm', 'DELETE', '/v1/rooms/roles/participants/boss')).status).toBe(403);
  const lastOwner = await as('boss', 'PATCH', '/v1/rooms/roles/participants/boss', { role: 'admin' });
  expect(lastOwner).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
  expect((await as('boss', 'DELETE', '/v1/rooms/roles/participants/boss')).status).toBe(409);

  const roster = await api<{ members: Array<{ userId: string; role: string }> }>(url(0), 'GET', '/v1/rooms/roles/participants', 'mem');
  expect(roster.body.members.map((m) => [m.userId, m.role]).sort()).toEqual([
    ['adm', 'admin'],
    ['boss', 'owner'],
    ['mem', 'member'],
    ['ro', 'readonly'],
  ]);
  expect((await as('stranger', 'GET', '/v1/rooms/roles/participants')).status).toBe(403);
  const ro = await connectAs(url(0), 'ro');
  expect(await send(ro, 'roles', 'can I?')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  // Leaving for good is open to anyone but the last owner.
  expect((await as('mem', 'DELETE', '/v1/rooms/roles/participants/mem')).status).toBe(204);
  const entries = await audit('roles', 'boss');
  expect(entries.map((e) => [e.action, e.targetId])).toEqual([
    ['member.left', 'mem'],
    ['member.role_changed', 'ro'],
    ['member.role_changed', 'adm'],
  ]);
});

test('a roster of 2,000 applied twice changes nothing the second time; bad rosters change nothing at all', async () => {
  await createRoom(url(0), 'prof', 'cs101', ['dropped', 'ta']);
  const roster = Array.from({ length: 2000 }, (_, i) => ({ userId: `s${i}` }));
  roster.push({ userId: 'ta', role: 'moderator' } as { userId: string; role?: 'moderator' });
  const first = await api<RosterResult>(url(0), 'PUT', '/v1/rooms/cs101/participants', 'prof', {
    participants: roster,
    removeMissing: true,
  });
  expect(first).toMatchObject({ status: 200, body: { added: 2000, removed: 1, changed: 1, unchanged: 0, skipped: [] } });
  const again = await api<RosterResult>(url(1), 'PUT', '/v1/rooms/cs101/participants', 'prof', {
    participants: roster,
    removeMissing: true,
  });
  expect(again).toMatchObject({ status: 200, body: { added: 0, removed: 0, changed: 0, unchanged: 2001, skipped: [] } });
  const db = await cluster.db();
  expect(await db.collection('chat_participants').countDocuments({ roomId: 'cs101' })).toBe(2002);
  const auditCount = await db.collection('room_audit_log').countDocuments({ roomId: 'cs101' });
  expect(auditCount).toBe(2002);

  for (const body of [
    { participants: [{ userId: 'x' }, { userId: 'x' }], removeMissing: true },
    { participants: [{ userId: 'bad id' }], removeMissing: true },
    { participants: Array.from({ length: 5001 }, (_, i) => ({ userId: `u${i}` })), removeMissing: false },
    { participants: [{ userId: 'y', role: 'emperor' }], removeMissing: false },
  ]) {
    const refused = await api(url(0), 'PUT', '/v1/rooms/cs101/participants', 'prof', body);
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  }
  expect((await api(url(0), 'PUT', '/v1/rooms/cs101/participants', 's1', { participants: [], removeMissing: true })).status).toBe(403);
  expect(await db.collection('chat_participants').countDocuments({ roomId: 'cs101' })).toBe(2002);
  expect(await db.collection('room_audit_log').countDocuments({ roomId: 'cs101' })).toBe(auditCount);
});

test('slow mode holds across pods, says when to retry, and spares staff', async () => {
  await createRoom(url(0), 'slowadm', 'slow', ['slowpoke']);
  const poke = [await connectAs(url(0), 'slowpoke'), await connectAs(url(1), 'slowpoke')];
  const admin = await connectAs(url(1), 'slowadm');
  await sent(poke[1]!, 'slow', 'warms pod B before the change');
  const updated = record(admin, 'room_updated');
  const patch = await api(url(0), 'PATCH', '/v1/rooms/slow', 'slowadm', { slowModeSeconds: 30 });
  expect(patch).toMatchObject({ status: 200, body: { slowModeSeconds: 30, postingPolicy: 'everyone', archived: false } });
  await eventually(() => updated.length === 1, 'room_updated');
  await sent(poke[0]!, 'slow', 'one');
  const second = await send(poke[1]!, 'slow', 'two, too soon, other pod');
  expect(second).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) } });
  if (!second.ok) expect(second.error.retryAfterMs).toBeGreaterThan(25_000);
  await sent(admin, 'slow', 'staff are exempt');
  await sent(admin, 'slow', 'twice');
  expect((await api(url(0), 'PATCH', '/v1/rooms/slow', 'slowadm', { slowModeSeconds: 999_999 })).status).toBe(400);
  expect((await api(url(0), 'PATCH', '/v1/rooms/slow', 'slowpoke', { slowModeSeconds: 0 })).status).toBe(403);
});

test('a muted member is refused and nothing is stored or given a seq; the mute lifts', async () => {
  await createRoom(url(0), 'mutr', 'muting', ['loud']);
  const loud = await connectAs(url(1), 'loud');
  const mutr = await connectAs(url(0), 'mutr');
  const before = await sent(loud, 'muting', 'first');
  const until = new Date(Date.now() + 60_000).toISOString();
  expect((await api(url(0), 'POST', '/v1/rooms/muting/mutes', 'mutr', { userId: 'loud', until })).status).toBe(201);
  const refused = await send(loud, 'muting', 'let me speak');
  expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('muted') } });
  const next = await sent(mutr, 'muting', 'next');
  expect(next.seq).toBe(before.seq + 1);
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({ roomId: 'muting' })).toBe(2);
  const list = await api<{ rooms: Array<{ roomId: string; mutedUntil?: string }> }>(url(1), 'GET', '/v1/rooms', 'loud');
  expect(list.body.rooms.find((r) => r.roomId === 'muting')?.mutedUntil).toBe(until);
  expect((await api(url(0), 'DELETE', '/v1/rooms/muting/mutes/loud', 'mutr')).status).toBe(204);
  await sent(loud, 'muting', 'thanks');
  expect((await api(url(0), 'POST', '/v1/rooms/muting/mutes', 'mutr', { userId: 'loud', until: '2001-01-01T00:00:00Z' })).status).toBe(400);
});

test('an archived room refuses every write and stays readable; an announcement room takes posts from staff only', async () => {
  await createRoom(url(0), 'arch', 'archive-me', ['reader', 'modr']);
  await api(url(0), 'PATCH', '/v1/rooms/archive-me/participants/modr', 'arch', { role: 'moderator' });
  const reader = await connectAs(url(1), 'reader');
  const modr = await connectAs(url(1), 'modr');
  const kept = await sent(reader, 'archive-me', 'said before the end of term');
  expect((await api(url(0), 'PATCH', '/v1/rooms/archive-me', 'arch', { postingPolicy: 'admins' })).status).toBe(200);
  expect(await send(reader, 'archive-me', 'me too')).toMatchObject({
    ok: false,
    error: { code: 'FORBIDDEN', message: expect.stringContaining('announcements') },
  });
  await sent(modr, 'archive-me', 'announcement: exam friday');

  expect((await api(url(0), 'PATCH', '/v1/rooms/archive-me', 'arch', { archived: true })).status).toBe(200);
  const writes: Array<[string, unknown]> = [
    ['send_message', sendArgs('archive-me', 'after archive')],
    ['edit_message', { roomId: 'archive-me', messageId: kept.messageId, content: 'changed' }],
    ['delete_message', { roomId: 'archive-me', messageId: kept.messageId }],
    ['add_reaction', { roomId: 'archive-me', messageId: kept.messageId, emoji: '👍' }],
    ['pin_message', { roomId: 'archive-me', messageId: kept.messageId }],
  ];
  for (const [socket, [event, payload]] of writes.flatMap((w) => [reader, modr].map((s) => [s, w] as const))) {
    const answer = await (socket as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck(event, payload);
    expect([event, answer]).toEqual([event, { ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('archived') } }]);
  }
  const history = await api<{ messages: Array<{ content: string }> }>(url(0), 'GET', '/v1/rooms/archive-me/messages', 'reader');
  expect(history.body.messages.map((m) => m.content)).toEqual(['said before the end of term', 'announcement: exam friday']);
});

test('a banned user is removed and cannot be added back until unbanned; an owner cannot be banned', async () => {
  await createRoom(url(0), 'ban-own', 'bans', ['troll', 'bmod']);
  await api(url(0), 'PATCH', '/v1/rooms/bans/participants/bmod', 'ban-own', { role: 'moderator' });
  const ban = await api(url(1), 'POST', '/v1/rooms/bans/bans', 'bmod', { userId: 'troll', reason: 'spam' });
  expect(ban).toMatchObject({ status: 201, body: { removed: true } });
  expect((await api(url(0), 'POST', '/v1/rooms/bans/participants', 'ban-own', { userId: 'troll' })).status).toBe(403);
  const roster = await api<RosterResult>(url(0), 'PUT', '/v1/rooms/bans/participants', 'ban-own', {
    participants: [{ userId: 'troll' }],
    removeMissing: false,
  });
  expect(roster.body).toMatchObject({ added: 0, skipped: [{ userId: 'troll', reason: 'banned' }] });
  expect((await api(url(1), 'POST', '/v1/rooms/bans/bans', 'bmod', { userId: 'ban-own', reason: 'coup' })).status).toBe(403);
  expect((await api(url(1), 'DELETE', '/v1/rooms/bans/bans/troll', 'bmod')).status).toBe(204);
  expect((await api(url(0), 'POST', '/v1/rooms/bans/participants', 'ban-own', { userId: 'troll' })).status).toBe(201);
  const actions = (await audit('bans', 'ban-own')).map((e) => e.action);
  expect(actions.filter((a) => a === 'member.banned')).toHaveLength(1);
  expect(actions.filter((a) => a === 'member.unbanned')).toHaveLength(1);
});

test('members report messages; moderators list and resolve reports, once, in the audit log', async () => {
  await createRoom(url(0), 'rep-own', 'reports', ['rep-mod', 'reporter', 'offender']);
  await api(url(0), 'PATCH', '/v1/rooms/reports/participants/rep-mod', 'rep-own', { role: 'moderator' });
  const offender = await connectAs(url(0), 'offender');
  const bad = await sent(offender, 'reports', 'something rude');
  const report = await api<{ reportId: string }>(url(1), 'POST', `/v1/rooms/reports/messages/${bad.messageId}/reports`, 'reporter', {
    reason: 'rude',
  });
  expect(report).toMatchObject({ status: 201, body: { status: 'open', reporterId: 'reporter', messageId: bad.messageId } });
  expect((await api(url(1), 'GET', '/v1/rooms/reports/reports', 'reporter')).status).toBe(403);
  const open = await api<{ reports: unknown[] }>(url(1), 'GET', '/v1/rooms/reports/reports?status=open', 'rep-mod');
  expect(open.body.reports).toHaveLength(1);
  const resolved = await api(url(0), 'POST', `/v1/rooms/reports/reports/${report.body.reportId}/resolve`, 'rep-mod', {
    resolution: 'deleted',
  });
  expect(resolved).toMatchObject({ status: 200, body: { status: 'resolved', resolvedBy: 'rep-mod' } });
  expect(
    (await api(url(0), 'POST', `/v1/rooms/reports/reports/${report.body.reportId}/resolve`, 'rep-mod', { resolution: 'again' })).status,
  ).toBe(404);
  const mod = await connectAs(url(1), 'rep-mod');
  expect(await mod.emitWithAck('delete_message', { roomId: 'reports', messageId: bad.messageId })).toMatchObject({ ok: true });
  const entries = await audit('reports', 'rep-own');
  expect(entries.filter((e) => e.action === 'report.resolved')).toHaveLength(1);
  expect(entries.filter((e) => e.action === 'message.deleted')).toEqual([
    expect.objectContaining({ actorId: 'rep-mod', targetId: bad.messageId, before: expect.objectContaining({ senderId: 'offender' }) }),
  ]);
  const missing = await api(url(1), 'POST', '/v1/rooms/reports/messages/aaaaaaaaaaaaaaaaaaaaaaaa/reports', 'reporter', { reason: 'x' });
  expect(missing.status).toBe(404);
});

test('a blocked user cannot open or post in a one-to-one room with the blocker, until unblocked', async () => {
  await createRoom(url(0), 'blocker', 'dm-existing', ['pest'], 'one-to-one');
  const pest = await connectAs(url(1), 'pest');
  await sent(pest, 'dm-existing', 'hi');
  const blocked = await api<{ blocked: string[] }>(url(0), 'POST', '/v1/users/me/blocks', 'blocker', { userId: 'pest' });
  expect(blocked).toMatchObject({ status: 201, body: { blocked: ['pest'] } });
  expect(await send(pest, 'dm-existing', 'hello?')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const open = await api(url(1), 'POST', '/v1/rooms', 'pest', { roomName: 'again', roomType: 'one-to-one', participants: ['blocker'] });
  expect(open.status).toBe(403);
  expect((await api<{ blocked: string[] }>(url(1), 'GET', '/v1/users/me/blocks', 'blocker')).body.blocked).toEqual(['pest']);
  expect((await api(url(0), 'DELETE', '/v1/users/me/blocks/pest', 'blocker')).status).toBe(200);
  await sent(pest, 'dm-existing', 'sorry');
});
