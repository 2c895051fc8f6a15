import { ObjectId, type QueueLogEntry } from '../src';
import { openStore } from './store-fixture';

let fixture: Awaited<ReturnType<typeof openStore>>;
beforeAll(async () => {
  fixture = await openStore();
});
afterAll(() => fixture.close());

const entries = (roomId: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ messageId: new ObjectId().toHexString(), roomId, seq: i + 1 }));
const ids = (batch: Array<{ messageId: string }>) => batch.map((e) => e.messageId);
const retried = (batch: ReturnType<typeof entries>, nextRetryAt = new Date(), now = new Date()) =>
  fixture.store.queueLog.openAtFirstCheck({ delivered: [], retried: batch }, 3, nextRetryAt, now);

test('the first check writes each entry in the state it reached, once, and a repeat brings late acks forward', async () => {
  const [a, b, c, d] = entries('log-a', 4) as [QueueLogEntry, QueueLogEntry, QueueLogEntry, QueueLogEntry];
  const next = new Date(Date.now() + 5000);
  const log = fixture.store.queueLog;
  expect(await log.openAtFirstCheck({ delivered: [a, b], retried: [c, d] }, 3, next)).toEqual({ delivered: 2, retried: 2 });
  expect(await log.openAtFirstCheck({ delivered: [a, b], retried: [c, d] }, 3, next)).toEqual({ delivered: 0, retried: 0 });
  const byId = async () => new Map((await log.findByMessageIds(ids([a, b, c, d]))).map((r) => [r.messageId.toHexString(), r]));
  const first = await byId();
  expect(first.size).toBe(4);
  expect(first.get(a.messageId)).toMatchObject({
    status: 'DELIVERED',
    retryCount: 0,
    maxRetries: 3,
    lastAttemptAt: null,
    nextRetryAt: null,
  });
  expect(first.get(c.messageId)).toMatchObject({ status: 'RETRY', retryCount: 1, maxRetries: 3, nextRetryAt: next, errorMessage: null });
  // Run again after c's last member acked: c becomes DELIVERED, d keeps its one retry.
  expect(await log.openAtFirstCheck({ delivered: [a, b, c], retried: [d] }, 3, next)).toEqual({ delivered: 1, retried: 0 });
  const again = await byId();
  expect(again.get(c.messageId)).toMatchObject({ status: 'DELIVERED', retryCount: 1, nextRetryAt: null });
  expect(again.get(d.messageId)).toMatchObject({ status: 'RETRY', retryCount: 1 });
});

test('a retry is recorded once, and a final state is never left', async () => {
  const batch = entries('log-b', 2);
  const [a, b] = ids(batch) as [string, string];
  await retried(batch);
  const next = new Date(Date.now() + 5000);
  expect(await fixture.store.queueLog.markRetry([a, b], 2, next)).toBe(2);
  expect(await fixture.store.queueLog.markRetry([a, b], 2, next)).toBe(0);
  expect(await fixture.store.queueLog.markDelivered([a])).toBe(1);
  expect(await fixture.store.queueLog.markFailed([{ messageId: b, errorMessage: 'not acked by: carl' }])).toBe(1);
  // Later (repeated or late) writes change nothing.
  expect(await fixture.store.queueLog.markRetry([a, b], 3, next)).toBe(0);
  expect(await fixture.store.queueLog.markFailed([{ messageId: a, errorMessage: 'x' }])).toBe(0);
  expect(await fixture.store.queueLog.markDelivered([a])).toBe(0);
  const byId = new Map((await fixture.store.queueLog.findByMessageIds([a, b])).map((r) => [r.messageId.toHexString(), r]));
  expect(byId.get(a)).toMatchObject({ status: 'DELIVERED', retryCount: 2, nextRetryAt: null });
  expect(byId.get(b)).toMatchObject({ status: 'FAILED', retryCount: 2, errorMessage: 'not acked by: carl', nextRetryAt: null });
});

test('DELIVERED found by _id: a live entry is delivered once, and a verdict run again after a late ack wins over FAILED', async () => {
  const batch = entries('log-d', 2);
  const [live, failed] = ids(batch) as [string, string];
  await retried(batch);
  await fixture.store.queueLog.markFailed([{ messageId: failed, errorMessage: 'not acked by: carl' }]);
  expect(await fixture.store.queueLog.markDelivered([live, failed, new ObjectId().toHexString()])).toBe(2);
  expect(await fixture.store.queueLog.markDelivered([live, failed])).toBe(0);
  const rows = await fixture.store.queueLog.findByMessageIds([live, failed]);
  expect(rows.map((r) => [r.status, r.nextRetryAt])).toEqual([
    ['DELIVERED', null],
    ['DELIVERED', null],
  ]);
});

test('overdue live entries are failed and old final ones deleted by the sweeps', async () => {
  const [late, fresh] = entries('log-c', 2) as [QueueLogEntry, QueueLogEntry];
  await retried([late], new Date(Date.now() - 60_000), new Date(Date.now() - 120_000));
  await retried([fresh], new Date(Date.now() + 60_000));
  expect(await fixture.store.queueLog.failOverdue(new Date(Date.now() - 30_000), 'tracking lost')).toBe(1);
  expect(await fixture.store.queueLog.deleteFinishedBefore(new Date(Date.now() - 60_000))).toBe(1);
  const left = await fixture.store.queueLog.findByMessageIds([late.messageId, fresh.messageId]);
  expect(left.map((r) => r.status)).toEqual(['RETRY']);
});

test('failing more entries than one update command carries fails them all', async () => {
  const batch = entries('log-e', 120);
  await retried(batch);
  const failures = batch.map((e) => ({ messageId: e.messageId, errorMessage: 'not acked by: zed' }));
  expect(await fixture.store.queueLog.markFailed(failures)).toBe(120);
});
