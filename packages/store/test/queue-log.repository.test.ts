import { ObjectId, type QueueLogEntry } from '../src';
import { openStore } from './store-fixture';

let fixture: Awaited<ReturnType<typeof openStore>>;
beforeAll(async () => {
  fixture = await openStore();
});
afterAll(() => fixture.close());

const entries = (roomId: string, count: number): QueueLogEntry[] =>
  Array.from({ length: count }, (_, i) => ({ messageId: new ObjectId().toHexString(), roomId, seq: i + 1 }));
const ids = (batch: Array<{ messageId: string }>) => batch.map((e) => e.messageId);
const retried = (batch: QueueLogEntry[], nextRetryAt = new Date(), now = new Date()) =>
  fixture.store.queueLog.openRetried(batch, 3, nextRetryAt, now);
const byId = async (roomId: string, batch: QueueLogEntry[]) =>
  new Map((await fixture.store.queueLog.findInRoom(roomId, ids(batch))).map((r) => [r.messageId.toHexString(), r]));

test('a first re-send opens one RETRY entry per message, and a repeat opens nothing more', async () => {
  const batch = entries('log-a', 2);
  const next = new Date(Date.now() + 5000);
  expect(await retried(batch, next)).toBe(2);
  expect(await retried(batch, next)).toBe(0);
  const rows = await byId('log-a', batch);
  expect(rows.size).toBe(2);
  expect(rows.get(batch[0]!.messageId)).toMatchObject({
    roomId: 'log-a',
    seq: 1,
    status: 'RETRY',
    retryCount: 1,
    maxRetries: 3,
    nextRetryAt: next,
    errorMessage: null,
  });
});

test('a retry is recorded once, and a final state is never left', async () => {
  const batch = entries('log-b', 2);
  const [a, b] = batch as [QueueLogEntry, QueueLogEntry];
  await retried(batch);
  const next = new Date(Date.now() + 5000);
  const log = fixture.store.queueLog;
  expect(await log.markRetry(batch, 2, next)).toBe(2);
  expect(await log.markRetry(batch, 2, next)).toBe(0);
  expect(await log.markDelivered([a])).toBe(1);
  expect(await log.markFailed([{ ...b, errorMessage: 'not acked by: carl' }])).toBe(1);
  // Later (repeated or late) writes change nothing.
  expect(await log.markRetry(batch, 3, next)).toBe(0);
  expect(await log.markFailed([{ ...a, errorMessage: 'x' }])).toBe(0);
  expect(await log.markDelivered([a])).toBe(0);
  const rows = await byId('log-b', batch);
  expect(rows.get(a.messageId)).toMatchObject({ status: 'DELIVERED', retryCount: 2, nextRetryAt: null });
  expect(rows.get(b.messageId)).toMatchObject({ status: 'FAILED', retryCount: 2, errorMessage: 'not acked by: carl', nextRetryAt: null });
});

test('DELIVERED: a live entry is delivered once, a verdict run again after a late ack wins over FAILED, and a message without an entry gets none', async () => {
  const batch = entries('log-d', 2);
  const [live, failed] = batch as [QueueLogEntry, QueueLogEntry];
  const unlogged = entries('log-d', 1)[0]!;
  await retried(batch);
  await fixture.store.queueLog.markFailed([{ ...failed, errorMessage: 'not acked by: carl' }]);
  expect(await fixture.store.queueLog.markDelivered([live, failed, unlogged])).toBe(2);
  expect(await fixture.store.queueLog.markDelivered([live, failed])).toBe(0);
  const rows = await fixture.store.queueLog.findInRoom('log-d', ids([live, failed, unlogged]));
  expect(rows.map((r) => [r.status, r.nextRetryAt])).toEqual([
    ['DELIVERED', null],
    ['DELIVERED', null],
  ]);
});

test('an entry is addressed in its room: the same messageId named with another room changes nothing', async () => {
  const [entry] = entries('log-f', 1) as [QueueLogEntry];
  await retried([entry]);
  expect(await fixture.store.queueLog.markDelivered([{ ...entry, roomId: 'elsewhere' }])).toBe(0);
  expect((await byId('log-f', [entry])).get(entry.messageId)?.status).toBe('RETRY');
});

test('overdue live entries are failed and old final ones deleted by the sweeps', async () => {
  const [late, fresh] = entries('log-c', 2) as [QueueLogEntry, QueueLogEntry];
  await retried([late], new Date(Date.now() - 60_000), new Date(Date.now() - 120_000));
  await retried([fresh], new Date(Date.now() + 60_000));
  expect(await fixture.store.queueLog.failOverdue(new Date(Date.now() - 30_000), 'tracking lost')).toBe(1);
  expect(await fixture.store.queueLog.deleteFinishedBefore(new Date(Date.now() - 60_000))).toBe(1);
  const left = await fixture.store.queueLog.findInRoom('log-c', ids([late, fresh]));
  expect(left.map((r) => r.status)).toEqual(['RETRY']);
});

test('failing entries of many rooms and messages takes one statement per room and reason', async () => {
  const batch = [...entries('log-e1', 120), ...entries('log-e2', 30)];
  await retried(batch);
  const failures = batch.map((e) => ({ ...e, errorMessage: 'not acked by: zed' }));
  expect(await fixture.store.queueLog.markFailed(failures)).toBe(150);
});
