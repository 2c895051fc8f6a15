import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { LuaRunner, MessageCounters, type RedisClient, RedisKeys } from '../src';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `t${randomBytes(4).toString('hex')}`;
let client: RedisClient;
let counters: MessageCounters;
const keys = new RedisKeys(prefix);

const request = (roomId: string, key: string, clientLamport = 0) => ({
  roomId,
  senderId: 'alice',
  idempotencyKey: key,
  clientLamport,
  messageId: randomBytes(12).toString('hex'),
  createdAtMs: Date.now(),
});

beforeAll(async () => {
  client = createClient({ url: redisUrl });
  await client.connect();
  counters = new MessageCounters(new LuaRunner(client), keys);
});

afterAll(async () => {
  const leftovers = await client.keys(`${prefix}:*`);
  if (leftovers.length > 0) await client.del(leftovers);
  await client.quit();
});

test('a room without counters reports them missing until seeded', async () => {
  expect(await counters.allocate(request('r-missing', 'k1'))).toEqual({ kind: 'countersMissing' });
  await counters.seed('r-missing', 0, 0, 0);
  expect(await counters.allocate(request('r-missing', 'k1'))).toEqual({ kind: 'allocated', seq: 1, lamport: 1, rev: 1 });
});

test('seq is dense and lamport is max(room, client) + 1', async () => {
  await counters.seed('r-order', 0, 0, 0);
  const first = await counters.allocate(request('r-order', 'a'));
  const jumped = await counters.allocate(request('r-order', 'b', 5000));
  const after = await counters.allocate(request('r-order', 'c', 3));
  expect(first).toEqual({ kind: 'allocated', seq: 1, lamport: 1, rev: 1 });
  expect(jumped).toEqual({ kind: 'allocated', seq: 2, lamport: 5001, rev: 2 });
  expect(after).toEqual({ kind: 'allocated', seq: 3, lamport: 5002, rev: 3 });
});

test('a repeated idempotency key returns the original allocation and advances nothing', async () => {
  await counters.seed('r-idem', 0, 0, 0);
  const original = request('r-idem', 'same');
  const first = await counters.allocate(original);
  const repeat = await counters.allocate({ ...original, messageId: randomBytes(12).toString('hex'), clientLamport: 99 });
  expect(first).toEqual({ kind: 'allocated', seq: 1, lamport: 1, rev: 1 });
  expect(repeat).toEqual({
    kind: 'duplicate',
    prior: { messageId: original.messageId, seq: 1, lamport: 1, createdAtMs: original.createdAtMs },
  });
  expect(await counters.allocate(request('r-idem', 'other'))).toEqual({ kind: 'allocated', seq: 2, lamport: 2, rev: 2 });
});

test('concurrent allocations in one room get distinct dense seqs with increasing lamports', async () => {
  await counters.seed('r-race', 0, 0, 0);
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => counters.allocate(request('r-race', `k${i}`, i % 7))));
  const allocated = results.map((r) => (r.kind === 'allocated' ? r : undefined)).filter((r) => r !== undefined);
  expect(allocated).toHaveLength(300);
  const bySeq = [...allocated].sort((a, b) => a.seq - b.seq);
  expect(bySeq.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  for (let i = 1; i < bySeq.length; i++) expect(bySeq[i]!.lamport).toBeGreaterThan(bySeq[i - 1]!.lamport);
});

test('seeding never lowers counters that Redis already holds', async () => {
  await counters.seed('r-seed', 10, 40, 25);
  expect(await counters.seed('r-seed', 3, 100, 2)).toEqual({ seq: 10, lamport: 100, rev: 25 });
  expect(await counters.allocate(request('r-seed', 'x'))).toEqual({ kind: 'allocated', seq: 11, lamport: 101, rev: 26 });
});

test('forget drops the idempotency entry only while it still names the same message', async () => {
  await counters.seed('r-forget', 0, 0, 0);
  const original = request('r-forget', 'k');
  await counters.allocate(original);
  expect(await counters.forget('r-forget', 'alice', 'k', 'ffffffffffffffffffffffff')).toBe(false);
  expect(await counters.forget('r-forget', 'alice', 'k', original.messageId)).toBe(true);
  expect(await counters.allocate(original)).toEqual({ kind: 'allocated', seq: 2, lamport: 2, rev: 2 });
});

test('scripts are reloaded when the server lost its script cache', async () => {
  await counters.seed('r-noscript', 0, 0, 0);
  await client.scriptFlush();
  expect(await counters.allocate(request('r-noscript', 'k'))).toEqual({ kind: 'allocated', seq: 1, lamport: 1, rev: 1 });
});

test('edits and new messages share one rev counter, and a change in flight holds the watermark below it', async () => {
  await counters.seed('r-rev', 0, 0, 0);
  expect(await counters.allocate(request('r-rev', 'm1'))).toMatchObject({ seq: 1, rev: 1 });
  const edit = await counters.allocateRev('r-rev');
  const reaction = await counters.allocateRev('r-rev');
  expect([edit, reaction]).toEqual([2, 3]);
  expect(await counters.allocate(request('r-rev', 'm2'))).toMatchObject({ seq: 2, rev: 4 });
  // Both changes in flight: nothing at or above the oldest may be reported as synced.
  expect(await counters.revWatermark('r-rev', 60_000)).toEqual({ watermark: 1, changeRev: 3 });
  await counters.settleRev('r-rev', 2);
  expect(await counters.revWatermark('r-rev', 60_000)).toEqual({ watermark: 2, changeRev: 3 });
  await counters.settleRev('r-rev', 3);
  // The newest message's rev raises the watermark, not the newest change's rev.
  expect(await counters.revWatermark('r-rev', 60_000)).toEqual({ watermark: 4, changeRev: 3 });
});

test('seeding after a loss takes every stored rev for a change, and never lowers the newest change', async () => {
  await counters.seed('r-change', 0, 0, 0);
  expect(await counters.revWatermark('r-change', 60_000)).toEqual({ watermark: 0, changeRev: 0 });
  await counters.allocate(request('r-change', 'm1'));
  expect(await counters.revWatermark('r-change', 60_000)).toEqual({ watermark: 1, changeRev: 0 });
  await client.del(keys.roomCounters('r-change'));
  await counters.seed('r-change', 4, 4, 7);
  expect(await counters.revWatermark('r-change', 60_000)).toEqual({ watermark: 7, changeRev: 7 });
  await counters.settleRev('r-change', (await counters.allocateRev('r-change')) ?? 0);
  await counters.seed('r-change', 4, 4, 5);
  expect(await counters.revWatermark('r-change', 60_000)).toEqual({ watermark: 8, changeRev: 8 });
});

test('counters kept before the newest change was noted leave it unknown', async () => {
  await client.hSet(keys.roomCounters('r-old'), { seq: '3', lamport: '3', rev: '3' });
  expect(await counters.revWatermark('r-old', 60_000)).toEqual({ watermark: 3 });
});

test('a change whose writer died stops holding the watermark once it is stale', async () => {
  await counters.seed('r-stale', 0, 0, 0);
  await counters.allocateRev('r-stale');
  expect((await counters.revWatermark('r-stale', 60_000))?.watermark).toBe(0);
  expect((await counters.revWatermark('r-stale', 0))?.watermark).toBe(1);
});

test('a room without counters has no rev to give until seeded, and seeding never lowers rev', async () => {
  expect(await counters.allocateRev('r-rev-missing')).toBeUndefined();
  expect(await counters.revWatermark('r-rev-missing', 1000)).toBeUndefined();
  await counters.seed('r-rev-missing', 5, 5, 9);
  expect(await counters.allocateRev('r-rev-missing')).toBe(10);
  await counters.seed('r-rev-missing', 5, 5, 3);
  expect(await counters.allocateRev('r-rev-missing')).toBe(11);
});

test('every key of a room carries the same hash tag', () => {
  const tag = (key: string) => /\{[^}]+\}/.exec(key)?.[0];
  expect(tag(keys.roomCounters('room-1'))).toBe('{r:room-1}');
  expect(tag(keys.idempotency('room-1', 'u', 'k'))).toBe('{r:room-1}');
  expect(tag(keys.revsInFlight('room-1'))).toBe('{r:room-1}');
});

test('after a failover every room is re-seeded before its next seq or rev, so a rolled-back rev is not handed out again', async () => {
  const failedOver = new MessageCounters(new LuaRunner(client), keys);
  await failedOver.seed('r-failover', 3, 3, 0);
  const edits = [await failedOver.withRev('r-failover', neverAsked, async (rev) => rev)];
  edits.push(await failedOver.withRev('r-failover', neverAsked, async (rev) => rev));
  expect(edits).toEqual([1, 2]);
  // The promoted replica never got the second edit's increment.
  await client.hSet(keys.roomCounters('r-failover'), 'rev', '1');
  failedOver.markFailover();
  // MongoDB holds the second edit at rev 2: the room is seeded from it before a rev is taken.
  const fromMongo = async () => ({ seq: 3, lamport: 3, rev: 2 });
  expect(await failedOver.withRev('r-failover', fromMongo, async (rev) => rev)).toBe(3);
  // Seeded once: the next change does not ask MongoDB again.
  expect(await failedOver.withRev('r-failover', neverAsked, async (rev) => rev)).toBe(4);
  // A send in another room reports its counters missing until it is seeded, then goes on.
  await failedOver.seed('r-failover-send', 0, 0, 0);
  failedOver.markFailover();
  expect(await failedOver.allocate(request('r-failover-send', 'k'))).toEqual({ kind: 'countersMissing' });
  await failedOver.seed('r-failover-send', 0, 0, 0);
  expect(await failedOver.allocate(request('r-failover-send', 'k'))).toMatchObject({ kind: 'allocated', seq: 1 });
});

const neverAsked = async (): Promise<never> => {
  throw new Error('MongoDB was asked for counters it should not need');
};
