import { ObjectId } from '../src';
import { openStore } from './store-fixture';

let fixture: Awaited<ReturnType<typeof openStore>>;
beforeAll(async () => {
  fixture = await openStore();
});
afterAll(() => fixture.close());

const entries = (roomId: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ messageId: new ObjectId().toHexString(), roomId, seq: i + 1 }));

test('inserting the same batch twice leaves one PENDING entry per message', async () => {
  const batch = entries('log-a', 3);
  const next = new Date(Date.now() + 1000);
  expect(await fixture.store.queueLog.insertPending(batch, 3, next)).toBe(3);
  expect(await fixture.store.queueLog.insertPending(batch, 3, next)).toBe(0);
  const rows = await fixture.store.queueLog.findByMessageIds(batch.map((e) => e.messageId));
  expect(rows).toHaveLength(3);
  expect(rows[0]).toMatchObject({ status: 'PENDING', retryCount: 0, maxRetries: 3, lastAttemptAt: null, errorMessage: null });
});

test('a retry is recorded once, and a final state is never left', async () => {
  const [a, b] = entries('log-b', 2).map((e) => e.messageId) as [string, string];
  await fixture.store.queueLog.insertPending(
    [a, b].map((messageId, i) => ({ messageId, roomId: 'log-b', seq: i + 1 })),
    3,
    new Date(),
  );
  const next = new Date(Date.now() + 5000);
  expect(await fixture.store.queueLog.markRetry([a, b], 1, next)).toBe(2);
  expect(await fixture.store.queueLog.markRetry([a, b], 1, next)).toBe(0);
  expect(await fixture.store.queueLog.markDelivered([a])).toBe(1);
  expect(await fixture.store.queueLog.markFailed([{ messageId: b, errorMessage: 'not acked by: carl' }])).toBe(1);
  // Later (repeated or late) writes change nothing.
  expect(await fixture.store.queueLog.markRetry([a, b], 2, next)).toBe(0);
  expect(await fixture.store.queueLog.markFailed([{ messageId: a, errorMessage: 'x' }])).toBe(0);
  expect(await fixture.store.queueLog.markDelivered([a])).toBe(0);
  const byId = new Map((await fixture.store.queueLog.findByMessageIds([a, b])).map((r) => [r.messageId.toHexString(), r]));
  expect(byId.get(a)).toMatchObject({ status: 'DELIVERED', retryCount: 1, nextRetryAt: null });
  expect(byId.get(b)).toMatchObject({ status: 'FAILED', retryCount: 1, errorMessage: 'not acked by: carl', nextRetryAt: null });
});

test('DELIVERED found by _id: a PENDING entry is delivered once, and a verdict run again after a late ack wins over FAILED', async () => {
  const [pending, failed] = entries('log-d', 2).map((e) => e.messageId) as [string, string];
  await fixture.store.queueLog.insertPending(
    [pending, failed].map((messageId, i) => ({ messageId, roomId: 'log-d', seq: i + 1 })),
    3,
    new Date(),
  );
  await fixture.store.queueLog.markFailed([{ messageId: failed, errorMessage: 'not acked by: carl' }]);
  expect(await fixture.store.queueLog.markDelivered([pending, failed, new ObjectId().toHexString()])).toBe(2);
  expect(await fixture.store.queueLog.markDelivered([pending, failed])).toBe(0);
  const rows = await fixture.store.queueLog.findByMessageIds([pending, failed]);
  expect(rows.map((r) => [r.status, r.nextRetryAt])).toEqual([
    ['DELIVERED', null],
    ['DELIVERED', null],
  ]);
});

test('overdue live entries are failed and old final ones deleted by the sweeps', async () => {
  const [late, fresh] = entries('log-c', 2);
  await fixture.store.queueLog.insertPending([late!], 3, new Date(Date.now() - 60_000), new Date(Date.now() - 120_000));
  await fixture.store.queueLog.insertPending([fresh!], 3, new Date(Date.now() + 60_000));
  expect(await fixture.store.queueLog.failOverdue(new Date(Date.now() - 30_000), 'tracking lost')).toBe(1);
  expect(await fixture.store.queueLog.deleteFinishedBefore(new Date(Date.now() - 60_000))).toBe(1);
  const left = await fixture.store.queueLog.findByMessageIds([late!.messageId, fresh!.messageId]);
  expect(left.map((r) => r.status)).toEqual(['PENDING']);
});

test('failing more entries than one update command carries fails them all', async () => {
  const batch = entries('log-d', 120);
  await fixture.store.queueLog.insertPending(batch, 3, new Date());
  const failures = batch.map((e) => ({ messageId: e.messageId, errorMessage: 'not acked by: zed' }));
  expect(await fixture.store.queueLog.markFailed(failures)).toBe(120);
});
