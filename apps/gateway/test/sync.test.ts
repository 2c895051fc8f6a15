import type { ChatMessage, Synced } from '@campzone/protocol';
import { LuaRunner, MessageCounters, type RedisConnection, RedisKeys } from '@campzone/realtime';
import { createStore, plaintextCodec, type Store } from '@campzone/store';
import { HistoryService } from '../src/chat/history.service';
import { api, closeAllClients, connectAs, createRoom, sendArgs } from './harness/chat-clients';
import { connectTestRedis, GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

/**
 * A HistoryService of the test's own on the cluster's store and Redis, so the test can watch
 * which store reads a sync makes (spies on `store.messages`).
 */
async function withHistory(
  run: (history: HistoryService, parts: { store: Store; redis: RedisConnection; keys: RedisKeys }) => Promise<void>,
): Promise<void> {
  const store = createStore(await cluster.db());
  const redis = await connectTestRedis();
  const keys = new RedisKeys(cluster.ns.prefix);
  try {
    await run(new HistoryService(store.messages, store.statusFloors, plaintextCodec, new MessageCounters(LuaRunner.for(redis), keys)), {
      store,
      redis,
      keys,
    });
  } finally {
    await redis.quit();
  }
}

test('a member offline during 10 messages gets exactly those 10 from sync through another pod', async () => {
  await createRoom(cluster.url(0), 'sam', 'catch-up', ['tia']);
  const sam = await connectAs(cluster.url(0), 'sam');
  const tia = await connectAs(cluster.url(0), 'tia');
  const seen = await tia.emitWithAck('send_message', sendArgs('catch-up', 'before leaving'));
  if (!seen.ok) throw new Error(seen.error.message);
  tia.close();

  const sent: string[] = [];
  for (let i = 0; i < 10; i++) {
    const ack = await sam.emitWithAck('send_message', sendArgs('catch-up', `missed ${i}`));
    if (!ack.ok) throw new Error(ack.error.message);
    sent.push(ack.messageId);
  }

  const back = await connectAs(cluster.url(1), 'tia');
  const synced = await back.emitWithAck('sync', { roomId: 'catch-up', afterSeq: seen.seq });
  if (!synced.ok) throw new Error(synced.error.message);
  expect(synced.messages.map((m: ChatMessage) => m.messageId)).toEqual(sent);
  expect(synced.messages.map((m: ChatMessage) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => seen.seq + 1 + i));
  expect(synced).toMatchObject({ roomId: 'catch-up', count: 10, latestSeq: seen.seq + 10, hasMore: false });
});

test('sync pages with hasMore and also answers the named synced event', async () => {
  await createRoom(cluster.url(0), 'uli', 'paged', []);
  const uli = await connectAs(cluster.url(1), 'uli');
  for (let i = 0; i < 5; i++) await uli.emitWithAck('send_message', sendArgs('paged', `p${i}`));
  const named = new Promise<Synced>((resolve) => uli.once('synced', resolve));
  const first = await uli.emitWithAck('sync', { roomId: 'paged', afterSeq: 0, limit: 3 });
  expect(first).toMatchObject({ ok: true, count: 3, hasMore: true, latestSeq: 5 });
  expect((await named).count).toBe(3);
  const rest = await uli.emitWithAck('sync', { roomId: 'paged', afterSeq: 3, limit: 3 });
  expect(rest).toMatchObject({ ok: true, count: 2, hasMore: false, latestSeq: 5 });
});

test('a sync from a rev past the newest change asks the store for no changes; the next edit is found', async () => {
  await createRoom(cluster.url(0), 'yan', 'unchanged', []);
  const yan = await connectAs(cluster.url(0), 'yan');
  const send = async (content: string) => {
    const ack = await yan.emitWithAck('send_message', sendArgs('unchanged', content));
    if (!ack.ok) throw new Error(ack.error.message);
    return ack.messageId;
  };
  const m1 = await send('one');
  await withHistory(async (history, { store }) => {
    const changeReads = jest.spyOn(store.messages, 'changedSince');
    const sync = async (cursor: { seq: number; rev: number }) => {
      const synced = await history.sync({ roomId: 'unchanged', afterSeq: cursor.seq, afterRev: cursor.rev }, 'yan');
      return { synced, cursor: { seq: synced.latestSeq, rev: synced.latestRev ?? -1 } };
    };
    const first = await sync({ seq: 0, rev: 0 });
    expect(first.synced.messages.map((m) => m.messageId)).toEqual([m1]);
    // New messages take revs too, but they come in the page: still nothing to look for.
    const m2 = await send('two');
    const second = await sync(first.cursor);
    expect(second.synced).toMatchObject({ messages: [{ messageId: m2 }], changed: [] });
    expect(changeReads).not.toHaveBeenCalled();
    const edited = await yan.emitWithAck('edit_message', { roomId: 'unchanged', messageId: m1, content: 'one, edited' });
    expect(edited.ok).toBe(true);
    const third = await sync(second.cursor);
    expect(third.synced.changed?.map((m) => m.messageId)).toEqual([m1]);
    expect(changeReads).toHaveBeenCalledTimes(1);
    expect((await sync(third.cursor)).synced.changed).toEqual([]);
    expect(changeReads).toHaveBeenCalledTimes(1);
  });
});

test('members joining a room whose counters Redis lost read its newest seq and rev from the store once, then from Redis', async () => {
  await createRoom(cluster.url(0), 'zed', 'reseeded', ['amy']);
  const zed = await connectAs(cluster.url(0), 'zed');
  const sent = await zed.emitWithAck('send_message', sendArgs('reseeded', 'before the loss'));
  if (!sent.ok) throw new Error(sent.error.message);
  await withHistory(async (history, { store, redis, keys }) => {
    await redis.del(keys.roomCounters('reseeded'));
    const storeReads = jest.spyOn(store.messages, 'latestCounters');
    const changeReads = jest.spyOn(store.messages, 'changedSince');
    // What each member's SDK asks first: where the room stands, from a page of one, with no
    // rev cursor yet (the SDK's NO_REV_YET).
    const first = { roomId: 'reseeded', afterSeq: 0, afterRev: Number.MAX_SAFE_INTEGER, limit: 1 };
    const joins = await Promise.all(['zed', 'amy'].map((user) => history.sync(first, user)));
    expect(joins.map((j) => j.latestSeq)).toEqual([sent.seq, sent.seq]);
    expect(storeReads).toHaveBeenCalledTimes(1);
    expect(changeReads).not.toHaveBeenCalled();
    // The counters are back, where the store stands: the next sync asks Redis, and sends go on.
    expect((await history.sync({ roomId: 'reseeded', afterSeq: 0, afterRev: 0 }, 'amy')).messages).toHaveLength(1);
    expect(storeReads).toHaveBeenCalledTimes(1);
    const next = await zed.emitWithAck('send_message', sendArgs('reseeded', 'after the loss'));
    expect(next).toMatchObject({ ok: true, seq: sent.seq + 1 });
  });
});

test("a first sync in a new room answers latestSeq 0 and its rev without asking the store for the room's newest", async () => {
  await createRoom(cluster.url(0), 'bea', 'empty', []);
  await withHistory(async (history, { store }) => {
    const newest = jest.spyOn(store.messages, 'latestSeq');
    const counters = jest.spyOn(store.messages, 'latestCounters');
    const changes = jest.spyOn(store.messages, 'changedSince');
    // The SDK's first sync of a room: a page of one, no rev cursor yet. Creating the room seeded
    // its counters, so the rev watermark comes from Redis too.
    const first = { roomId: 'empty', afterSeq: 0, afterRev: Number.MAX_SAFE_INTEGER, limit: 1 };
    expect(await history.sync(first, 'bea')).toMatchObject({ count: 0, latestSeq: 0, hasMore: false, latestRev: 0, changed: [] });
    expect(newest).not.toHaveBeenCalled();
    expect(counters).not.toHaveBeenCalled();
    expect(changes).not.toHaveBeenCalled();
    // From a cursor past everything stored, the page says nothing of where the room stands: ask.
    expect(await history.sync({ roomId: 'empty', afterSeq: 7 }, 'bea')).toMatchObject({ count: 0, latestSeq: 0 });
    expect(newest).toHaveBeenCalledTimes(1);
  });
});

test('get_messages returns the newest messages oldest first, like the seed', async () => {
  await createRoom(cluster.url(0), 'vic', 'recent', []);
  const vic = await connectAs(cluster.url(0), 'vic');
  for (let i = 1; i <= 6; i++) await vic.emitWithAck('send_message', sendArgs('recent', `r${i}`));
  const page = await vic.emitWithAck('get_messages', { roomId: 'recent', limit: 3 });
  if (!page.ok) throw new Error(page.error.message);
  expect(page.messages.map((m: ChatMessage) => m.content)).toEqual(['r4', 'r5', 'r6']);
  const older = await vic.emitWithAck('get_messages', { roomId: 'recent', limit: 3, skip: 3 });
  expect(older.ok && older.messages.map((m: ChatMessage) => m.content)).toEqual(['r1', 'r2', 'r3']);
});

test("sync, get_messages, REST history and a repeated send show statuses raised by the room's floors", async () => {
  await createRoom(cluster.url(0), 'wyn', 'ticked', []);
  const wyn = await connectAs(cluster.url(0), 'wyn');
  const args = [1, 2, 3, 4].map((i) => sendArgs('ticked', `t${i}`));
  for (const a of args) await wyn.emitWithAck('send_message', a);
  // What the worker's rollup writes: everything up to 3 held by everyone, up to 1 read.
  const floors = createStore(await cluster.db()).statusFloors;
  await floors.raise('ticked', { DELIVERED: 3 });
  await floors.raise('ticked', { READ: 1 });
  const expected = ['READ', 'DELIVERED', 'DELIVERED', 'PENDING'];

  const synced = await wyn.emitWithAck('sync', { roomId: 'ticked', afterSeq: 0 });
  expect(synced.ok && synced.messages.map((m: ChatMessage) => m.status)).toEqual(expected);
  const recent = await wyn.emitWithAck('get_messages', { roomId: 'ticked' });
  expect(recent.ok && recent.messages.map((m: ChatMessage) => m.status)).toEqual(expected);
  const history = await api<{ messages: ChatMessage[] }>(cluster.url(1), 'GET', '/v1/rooms/ticked/messages', 'wyn');
  expect(history.body.messages.map((m) => m.status)).toEqual(expected);
  expect(await wyn.emitWithAck('send_message', args[1]!)).toMatchObject({ ok: true, duplicate: true, status: 'DELIVERED' });
});
