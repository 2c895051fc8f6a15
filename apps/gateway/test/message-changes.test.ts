import type { ChatMessage, MessageSent } from '@campzone/protocol';
import { ObjectId } from '@campzone/store';
import { api, type ClientSocket, closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { connectTestRedis, GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2, { MAX_CONTENT_LENGTH: '200' });
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

async function send(socket: ClientSocket, roomId: string, content: string, extra: { replyTo?: string } = {}): Promise<MessageSent> {
  const ack = await socket.emitWithAck('send_message', { ...sendArgs(roomId, content), ...extra });
  if (!ack.ok) throw new Error(ack.error.message);
  return ack;
}

async function history(roomId: string, userId: string): Promise<ChatMessage[]> {
  const page = await api<{ messages: ChatMessage[] }>(cluster.url(1), 'GET', `/v1/rooms/${roomId}/messages`, userId);
  return page.body.messages;
}

async function storedDoc(roomId: string, messageId: string) {
  const db = await cluster.db();
  return db.collection('messages').findOne({ roomId, _id: new ObjectId(messageId) });
}

test('an edit by its sender replaces the content everywhere, keeps the old version for admins, and takes a new rev', async () => {
  await createRoom(cluster.url(0), 'ada', 'edits', ['ben', 'cy']);
  const ben = await connectAs(cluster.url(0), 'ben');
  const cy = await connectAs(cluster.url(1), 'cy');
  const toCy = record(cy, 'message_edited');
  const sent = await send(ben, 'edits', 'teh exam is friday');

  const edited = await ben.emitWithAck('edit_message', { roomId: 'edits', messageId: sent.messageId, content: 'the exam is friday' });
  expect(edited).toMatchObject({ ok: true, roomId: 'edits', messageId: sent.messageId, content: 'the exam is friday' });
  if (!edited.ok) return;
  await eventually(() => toCy.length === 1, 'the edit on the other pod');
  expect(toCy[0]).toEqual({
    roomId: 'edits',
    messageId: sent.messageId,
    content: 'the exam is friday',
    editedAt: edited.editedAt,
    rev: edited.rev,
  });

  const [shown] = await history('edits', 'cy');
  expect(shown).toMatchObject({ content: 'the exam is friday', editedAt: edited.editedAt, rev: edited.rev });
  const versions = await api<{ edits: Array<{ editorId: string; previousContent: string }> }>(
    cluster.url(0),
    'GET',
    `/v1/rooms/edits/messages/${sent.messageId}/edits`,
    'ada',
  );
  expect(versions).toMatchObject({ status: 200, body: { edits: [{ editorId: 'ben', previousContent: 'teh exam is friday' }] } });
  expect((await api(cluster.url(0), 'GET', `/v1/rooms/edits/messages/${sent.messageId}/edits`, 'cy')).status).toBe(403);

  // The same edit again (a retry after a lost ack) is answered with the same change and applied once.
  const again = await ben.emitWithAck('edit_message', { roomId: 'edits', messageId: sent.messageId, content: 'the exam is friday' });
  expect(again).toMatchObject({ ok: true, rev: edited.rev, editedAt: edited.editedAt });
  const db = await cluster.db();
  expect(await db.collection('message_edits').countDocuments({ roomId: 'edits' })).toBe(1);
});

test('refused changes are answered with a clear code and change nothing, broadcast nothing, allocate no rev', async () => {
  await createRoom(cluster.url(0), 'dee', 'refusals', ['eli']);
  await createRoom(cluster.url(0), 'dee', 'elsewhere', []);
  const dee = await connectAs(cluster.url(0), 'dee');
  const eli = await connectAs(cluster.url(1), 'eli');
  const events = [
    record(dee, 'message_edited'),
    record(dee, 'message_deleted'),
    record(dee, 'reaction_updated'),
    record(dee, 'message_pinned'),
  ];
  const mine = await send(dee, 'refusals', 'original');
  const other = await send(dee, 'elsewhere', 'in another room');
  const missing = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  const cases: Array<[string, Promise<{ ok: boolean; error?: { code: string } }>, string]> = [
    [
      'edit by another',
      eli.emitWithAck('edit_message', { roomId: 'refusals', messageId: mine.messageId, content: 'hijacked' }),
      'FORBIDDEN',
    ],
    ['delete by a member', eli.emitWithAck('delete_message', { roomId: 'refusals', messageId: mine.messageId }), 'FORBIDDEN'],
    ['pin by a member', eli.emitWithAck('pin_message', { roomId: 'refusals', messageId: mine.messageId }), 'FORBIDDEN'],
    [
      'oversize edit',
      dee.emitWithAck('edit_message', { roomId: 'refusals', messageId: mine.messageId, content: 'x'.repeat(201) }),
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'reaction to a missing message',
      eli.emitWithAck('add_reaction', { roomId: 'refusals', messageId: missing, emoji: '👍' }),
      'NOT_FOUND',
    ],
    [
      'reaction to another room',
      dee.emitWithAck('add_reaction', { roomId: 'refusals', messageId: other.messageId, emoji: '👍' }),
      'NOT_FOUND',
    ],
    ['not an emoji', eli.emitWithAck('add_reaction', { roomId: 'refusals', messageId: mine.messageId, emoji: 'lol' }), 'VALIDATION_FAILED'],
    ['two emoji', eli.emitWithAck('add_reaction', { roomId: 'refusals', messageId: mine.messageId, emoji: '👍👍' }), 'VALIDATION_FAILED'],
    ['reply across rooms', dee.emitWithAck('send_message', { ...sendArgs('refusals', 'answer'), replyTo: other.messageId }), 'NOT_FOUND'],
    ['non-member', eli.emitWithAck('add_reaction', { roomId: 'elsewhere', messageId: other.messageId, emoji: '👍' }), 'FORBIDDEN'],
  ];
  for (const [what, answer, code] of cases)
    expect([what, await answer]).toEqual([what, { ok: false, error: { code, message: expect.any(String) } }]);

  const stored = await storedDoc('refusals', mine.messageId);
  expect(stored).toMatchObject({ content: 'original', rev: mine.seq });
  expect(stored?.reactions).toBeUndefined();
  // The next change takes the rev right after the message's own: the refusals allocated none.
  const pin = await dee.emitWithAck('pin_message', { roomId: 'refusals', messageId: mine.messageId });
  expect(pin).toMatchObject({ ok: true, pinned: true, rev: (stored?.rev as number) + 1 });
  await eventually(() => events[3]!.length === 1, 'the pin broadcast');
  expect(events.slice(0, 3).map((e) => e.length)).toEqual([0, 0, 0]);

  const deleted = await dee.emitWithAck('delete_message', { roomId: 'refusals', messageId: mine.messageId });
  expect(deleted.ok).toBe(true);
  const editDeleted = await dee.emitWithAck('edit_message', { roomId: 'refusals', messageId: mine.messageId, content: 'too late' });
  expect(editDeleted).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
});

test('a delete leaves a tombstone: content and earlier versions are gone from the database, seq and order stay', async () => {
  await createRoom(cluster.url(0), 'fay', 'deletes', ['gil', 'hal']);
  await api(cluster.url(0), 'POST', '/v1/rooms/deletes/participants', 'fay', { userId: 'hal', role: 'moderator' });
  const gil = await connectAs(cluster.url(0), 'gil');
  const hal = await connectAs(cluster.url(1), 'hal');
  const told = record(gil, 'message_deleted');
  const first = await send(gil, 'deletes', 'secret number 4242');
  await gil.emitWithAck('edit_message', { roomId: 'deletes', messageId: first.messageId, content: 'secret number 4243' });
  await gil.emitWithAck('add_reaction', { roomId: 'deletes', messageId: first.messageId, emoji: '🎉' });
  const second = await send(gil, 'deletes', 'still here');

  const byModerator = await hal.emitWithAck('delete_message', { roomId: 'deletes', messageId: first.messageId });
  expect(byModerator).toMatchObject({ ok: true, deletedBy: 'hal', messageId: first.messageId });
  await eventually(() => told.length === 1, 'the delete on the other pod');

  const db = await cluster.db();
  const raw = JSON.stringify(await db.collection('messages').find({ roomId: 'deletes' }).toArray());
  expect(raw).not.toMatch(/424[23]/);
  expect(await db.collection('message_edits').countDocuments({ roomId: 'deletes' })).toBe(0);
  const shown = await history('deletes', 'gil');
  expect(shown.map((m) => [m.seq, m.content, m.deletedBy ?? null])).toEqual([
    [first.seq, '', 'hal'],
    [second.seq, 'still here', null],
  ]);
  expect(shown[0]?.reactions).toBeUndefined();
  // Deleting again is answered with the same deletion.
  const again = await gil.emitWithAck('delete_message', { roomId: 'deletes', messageId: first.messageId });
  expect(again).toMatchObject({ ok: true, deletedBy: 'hal', rev: byModerator.ok ? byModerator.rev : -1 });
});

test('concurrent reactions from several users on two pods end in the same counts on every client and in MongoDB', async () => {
  const users = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
  await createRoom(cluster.url(0), 'ivy', 'reacts', users);
  const sockets = await Promise.all(users.map((u, i) => connectAs(cluster.url(i % 2), u)));
  const ivy = await connectAs(cluster.url(0), 'ivy');
  const sent = await send(ivy, 'reacts', 'vote with emoji');
  const seen = sockets.map((s) => record(s, 'reaction_updated'));
  // Every user adds 👍 and 🎉 at once, then half take 🎉 back, all concurrently.
  await Promise.all(
    sockets.flatMap((s) =>
      ['👍', '🎉'].map((emoji) => s.emitWithAck('add_reaction', { roomId: 'reacts', messageId: sent.messageId, emoji })),
    ),
  );
  const removals = await Promise.all(
    sockets.slice(0, 3).map((s) => s.emitWithAck('remove_reaction', { roomId: 'reacts', messageId: sent.messageId, emoji: '🎉' })),
  );
  expect(removals.every((r) => r.ok)).toBe(true);
  // Adding again is one reaction; removing an absent one is a no-op answered ok.
  await sockets[5]!.emitWithAck('add_reaction', { roomId: 'reacts', messageId: sent.messageId, emoji: '👍' });
  const noop = await sockets[0]!.emitWithAck('remove_reaction', { roomId: 'reacts', messageId: sent.messageId, emoji: '🎉' });
  expect(noop).toMatchObject({ ok: true, count: 3, added: false });

  const stored = await storedDoc('reacts', sent.messageId);
  const counts = Object.fromEntries(
    ((stored?.reactions ?? []) as Array<{ emoji: string; userIds: string[] }>).map((r) => [r.emoji, r.userIds.length]),
  );
  expect(counts).toEqual({ '👍': 6, '🎉': 3 });
  const finalRev = stored?.rev as number;
  // Every client, whichever pod, ends at the same state: its highest-rev event per emoji.
  await eventually(() => seen.every((s) => s.some((e) => e.rev === finalRev) || s.at(-1)?.rev === finalRev), 'the last change everywhere');
  for (const events of seen) {
    const latest = new Map<string, { rev: number; count: number }>();
    for (const e of events) if ((latest.get(e.emoji)?.rev ?? -1) < e.rev) latest.set(e.emoji, { rev: e.rev, count: e.count });
    expect(Object.fromEntries([...latest].map(([emoji, v]) => [emoji, v.count]))).toEqual({ '👍': 6, '🎉': 3 });
  }
  // Emoji keep the order they were first used in, which the race decided.
  const [shown] = await history('reacts', 'r4');
  expect(shown?.reactions).toHaveLength(2);
  expect(shown?.reactions).toEqual(
    expect.arrayContaining([
      { emoji: '👍', count: 6, me: true },
      { emoji: '🎉', count: 3, me: true },
    ]),
  );
  const [toR1] = await history('reacts', 'r1');
  expect(toR1?.reactions).toEqual(
    expect.arrayContaining([
      { emoji: '👍', count: 6, me: true },
      { emoji: '🎉', count: 3, me: false },
    ]),
  );
});

test("concurrent edits from the sender's tabs on two pods end in one content, the same on every client and in MongoDB", async () => {
  await createRoom(cluster.url(0), 'tom', 'racing-edits', ['uma', 'vic']);
  const tabs = [await connectAs(cluster.url(0), 'tom'), await connectAs(cluster.url(1), 'tom')];
  const watchers = [await connectAs(cluster.url(0), 'uma'), await connectAs(cluster.url(1), 'vic')];
  const seen = watchers.map((w) => record(w, 'message_edited'));
  const sent = await send(tabs[0]!, 'racing-edits', 'draft');
  const acks = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      tabs[i % 2]!.emitWithAck('edit_message', { roomId: 'racing-edits', messageId: sent.messageId, content: `version ${i}` }),
    ),
  );
  expect(acks.every((a) => a.ok)).toBe(true);
  const stored = await storedDoc('racing-edits', sent.messageId);
  const revs = acks.map((a) => (a.ok ? a.rev : 0));
  expect(new Set(revs).size).toBe(8);
  expect(stored?.rev).toBe(Math.max(...revs));
  await eventually(() => seen.every((s) => s.length === 8), 'every edit on every watcher');
  for (const events of seen) {
    const last = events.reduce((a, b) => (b.rev > a.rev ? b : a));
    expect(last.content).toBe(stored?.content);
  }
  const db = await cluster.db();
  expect(await db.collection('message_edits').countDocuments({ roomId: 'racing-edits' })).toBe(8);
});

test('a message takes at most 20 different emoji; short codes count as emoji', async () => {
  await createRoom(cluster.url(0), 'jo', 'many-emoji', []);
  const jo = await connectAs(cluster.url(0), 'jo');
  const sent = await send(jo, 'many-emoji', 'react away');
  for (let i = 0; i < 20; i++) {
    const ok = await jo.emitWithAck('add_reaction', { roomId: 'many-emoji', messageId: sent.messageId, emoji: `:code_${i}:` });
    expect(ok.ok).toBe(true);
  }
  const over = await jo.emitWithAck('add_reaction', { roomId: 'many-emoji', messageId: sent.messageId, emoji: '🦄' });
  expect(over).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
});

test('a member offline during edits, deletes, reactions and pins gets each of them once from one sync through another pod', async () => {
  await createRoom(cluster.url(0), 'kay', 'offline-changes', ['lu']);
  const kay = await connectAs(cluster.url(0), 'kay');
  const m1 = await send(kay, 'offline-changes', 'one');
  const m2 = await send(kay, 'offline-changes', 'two');
  const m3 = await send(kay, 'offline-changes', 'three');
  const lu = await connectAs(cluster.url(1), 'lu');
  const before = await lu.emitWithAck('sync', { roomId: 'offline-changes', afterSeq: 0, afterRev: 0 });
  if (!before.ok) throw new Error(before.error.message);
  expect(before.changed).toEqual([]);
  const cursor = { seq: before.latestSeq, rev: before.latestRev ?? -1 };
  lu.close();

  await kay.emitWithAck('edit_message', { roomId: 'offline-changes', messageId: m1.messageId, content: 'one, edited' });
  await kay.emitWithAck('delete_message', { roomId: 'offline-changes', messageId: m2.messageId });
  await kay.emitWithAck('add_reaction', { roomId: 'offline-changes', messageId: m3.messageId, emoji: '✅' });
  await kay.emitWithAck('pin_message', { roomId: 'offline-changes', messageId: m3.messageId });
  const m4 = await send(kay, 'offline-changes', 'four, new');

  const back = await connectAs(cluster.url(0), 'lu');
  const synced = await back.emitWithAck('sync', { roomId: 'offline-changes', afterSeq: cursor.seq, afterRev: cursor.rev });
  if (!synced.ok) throw new Error(synced.error.message);
  expect(synced.messages.map((m: ChatMessage) => m.messageId)).toEqual([m4.messageId]);
  expect(synced.changed?.map((m: ChatMessage) => m.messageId)).toEqual([m1.messageId, m2.messageId, m3.messageId]);
  const byId = new Map(synced.changed?.map((m: ChatMessage) => [m.messageId, m]));
  expect(byId.get(m1.messageId)).toMatchObject({ content: 'one, edited', editedAt: expect.any(String) });
  expect(byId.get(m2.messageId)).toMatchObject({ content: '', deletedBy: 'kay' });
  expect(byId.get(m3.messageId)).toMatchObject({ pinned: true, reactions: [{ emoji: '✅', count: 1, me: false }] });
  expect(synced.latestRev).toBeGreaterThanOrEqual(Math.max(...(synced.changed ?? []).map((m: ChatMessage) => m.rev ?? 0)));
  // Nothing is given twice: a sync from the new cursors finds no change.
  const after = await back.emitWithAck('sync', { roomId: 'offline-changes', afterSeq: synced.latestSeq, afterRev: synced.latestRev ?? 0 });
  expect(after).toMatchObject({ ok: true, messages: [], changed: [] });
  // A client that never sends afterRev is answered as before.
  const plain = await back.emitWithAck('sync', { roomId: 'offline-changes', afterSeq: cursor.seq });
  expect(plain.ok && 'changed' in plain).toBe(false);
});

test('after Redis loses the room counters, the next change takes a rev above every stored one', async () => {
  await createRoom(cluster.url(0), 'max', 'rev-amnesia', []);
  const max = await connectAs(cluster.url(0), 'max');
  const sent = await send(max, 'rev-amnesia', 'count on me');
  const edited = await max.emitWithAck('edit_message', { roomId: 'rev-amnesia', messageId: sent.messageId, content: 'counted' });
  if (!edited.ok) throw new Error(edited.error.message);
  const redis = await connectTestRedis();
  await redis.del(`${cluster.ns.prefix}:{r:rev-amnesia}:ctr`);
  await redis.quit();
  const reacted = await max.emitWithAck('add_reaction', { roomId: 'rev-amnesia', messageId: sent.messageId, emoji: '💯' });
  expect(reacted).toMatchObject({ ok: true, rev: edited.rev + 1 });
  const next = await send(max, 'rev-amnesia', 'and me');
  expect(next.seq).toBe(sent.seq + 1);
  const [, later] = await history('rev-amnesia', 'max');
  expect(later?.rev).toBe(edited.rev + 2);
});

test('replies carry replyTo and their thread; get_thread pages a thread in seq order', async () => {
  await createRoom(cluster.url(0), 'ned', 'threads', ['ola']);
  const ned = await connectAs(cluster.url(0), 'ned');
  const ola = await connectAs(cluster.url(1), 'ola');
  const root = await send(ned, 'threads', 'when is the exam?');
  await send(ned, 'threads', 'unrelated');
  const r1 = await send(ola, 'threads', 'friday', { replyTo: root.messageId });
  const r2 = await send(ned, 'threads', 'thanks', { replyTo: r1.messageId });
  const thread = await ola.emitWithAck('get_thread', { roomId: 'threads', rootId: root.messageId });
  if (!thread.ok) throw new Error(thread.error.message);
  expect(thread.messages.map((m: ChatMessage) => [m.messageId, m.replyTo ?? null, m.threadRootId ?? null])).toEqual([
    [root.messageId, null, null],
    [r1.messageId, root.messageId, root.messageId],
    [r2.messageId, r1.messageId, root.messageId],
  ]);
  const paged = await ola.emitWithAck('get_thread', { roomId: 'threads', rootId: root.messageId, afterSeq: r1.seq, limit: 5 });
  expect(paged).toMatchObject({ ok: true, hasMore: false, messages: [expect.objectContaining({ messageId: r2.messageId })] });
  const notRoot = await ola.emitWithAck('get_thread', { roomId: 'threads', rootId: r1.messageId });
  expect(notRoot).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
});

test('mentions resolve against the room at send time, and the room list counts unread messages and mentions', async () => {
  await createRoom(cluster.url(0), 'pam', 'mentions', ['quinn']);
  const pam = await connectAs(cluster.url(0), 'pam');
  const a = await send(pam, 'mentions', '@quinn and @stranger, see mail@example.org');
  const b = await send(pam, 'mentions', 'heads up @room');
  await send(pam, 'mentions', 'nothing for anyone');
  const shown = await history('mentions', 'quinn');
  expect(shown.map((m) => m.mentions ?? [])).toEqual([['quinn'], ['@room'], []]);
  expect([a.seq, b.seq]).toEqual([1, 2]);

  const list = await api<{ rooms: Array<{ roomId: string; unreadCount: number; unreadMentions: number }> }>(
    cluster.url(1),
    'GET',
    '/v1/rooms',
    'quinn',
  );
  expect(list.body.rooms.find((r) => r.roomId === 'mentions')).toMatchObject({ unreadCount: 3, unreadMentions: 2 });
  const quinn = await connectAs(cluster.url(1), 'quinn');
  await quinn.emitWithAck('mark_read', { roomId: 'mentions', messageId: b.messageId });
  const after = await api<{ rooms: Array<{ roomId: string; unreadCount: number; unreadMentions: number }> }>(
    cluster.url(1),
    'GET',
    '/v1/rooms',
    'quinn',
  );
  expect(after.body.rooms.find((r) => r.roomId === 'mentions')).toMatchObject({ unreadCount: 1, unreadMentions: 0 });
  const ownView = await api<{ rooms: Array<{ roomId: string; unreadCount: number }> }>(cluster.url(0), 'GET', '/v1/rooms', 'pam');
  expect(ownView.body.rooms.find((r) => r.roomId === 'mentions')).toMatchObject({ unreadCount: 0, unreadMentions: 0 });
});

test('pins are listed for members, newest changes told to the room', async () => {
  await createRoom(cluster.url(0), 'ray', 'pins', ['sue']);
  const ray = await connectAs(cluster.url(0), 'ray');
  const sue = await connectAs(cluster.url(1), 'sue');
  const told = record(sue, 'message_pinned');
  const exam = await send(ray, 'pins', 'exam: friday 9:00, hall B');
  await send(ray, 'pins', 'chatter');
  await ray.emitWithAck('pin_message', { roomId: 'pins', messageId: exam.messageId });
  await eventually(() => told.length === 1, 'the pin on the other pod');
  expect(told[0]).toMatchObject({ messageId: exam.messageId, pinned: true, by: 'ray' });
  const pins = await api<{ messages: ChatMessage[] }>(cluster.url(1), 'GET', '/v1/rooms/pins/pins', 'sue');
  expect(pins.body.messages.map((m) => m.content)).toEqual(['exam: friday 9:00, hall B']);
  await ray.emitWithAck('unpin_message', { roomId: 'pins', messageId: exam.messageId });
  expect((await api<{ messages: ChatMessage[] }>(cluster.url(1), 'GET', '/v1/rooms/pins/pins', 'sue')).body.messages).toEqual([]);
  expect((await api(cluster.url(1), 'GET', '/v1/rooms/pins/pins', 'stranger')).status).toBe(403);
});
