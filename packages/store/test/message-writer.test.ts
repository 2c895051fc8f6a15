import { type BatchStats, type MessageDoc, MessageWriter, ObjectId } from '../src';
import { openStore } from './store-fixture';

let fixture: Awaited<ReturnType<typeof openStore>>;
beforeAll(async () => {
  fixture = await openStore();
});
afterAll(() => fixture.close());

const message = (roomId: string, seq: number, idempotencyKey = `${roomId}-${seq}`, senderId = 'alice'): MessageDoc => ({
  _id: new ObjectId(),
  roomId,
  senderId,
  content: `hello ${seq}`,
  lamportTimestamp: seq,
  seq,
  idempotencyKey,
  status: 'PENDING',
  messageType: 'text',
  createdAt: new Date(),
});

test('concurrent writes within one window become a single insertMany', async () => {
  const batches: BatchStats[] = [];
  const writer = new MessageWriter(fixture.store.collections.messages, {
    maxBatch: 100,
    windowMs: 5,
    maxInFlight: 4,
    onBatch: (s) => batches.push(s),
  });
  const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => writer.write(message('batch-room', i + 1))));
  expect(outcomes).toEqual(Array(40).fill('inserted'));
  expect(batches.map((b) => b.size)).toEqual([40]);
  expect(await fixture.store.collections.messages.countDocuments({ roomId: 'batch-room' })).toBe(40);
});

test('a full batch is written at once without waiting for the window', async () => {
  const batches: BatchStats[] = [];
  const writer = new MessageWriter(fixture.store.collections.messages, {
    maxBatch: 10,
    windowMs: 60_000,
    maxInFlight: 4,
    onBatch: (s) => batches.push(s),
  });
  await Promise.all(Array.from({ length: 20 }, (_, i) => writer.write(message('full-room', i + 1))));
  expect(batches.map((b) => b.size)).toEqual([10, 10]);
});

test('with one batch in flight, what arrives meanwhile waits and goes out as the next batch', async () => {
  const spans: Array<{ start: number; end: number; size: number }> = [];
  const writer = new MessageWriter(fixture.store.collections.messages, {
    maxBatch: 50,
    windowMs: 0,
    maxInFlight: 1,
    onBatch: (s) => spans.push({ start: performance.now() - s.durationMs, end: performance.now(), size: s.size }),
  });
  const first = writer.write(message('group-room', 1));
  await new Promise((resolve) => setTimeout(resolve, 0)); // after the writer's own 0 ms timer: the batch is on the wire
  const rest = Array.from({ length: 120 }, (_, i) => writer.write(message('group-room', i + 2)));
  expect(await Promise.all([first, ...rest])).toEqual(Array(121).fill('inserted'));
  expect(spans.map((b) => b.size)).toEqual([1, 50, 50, 20]);
  for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end - 1);
  expect(await fixture.store.collections.messages.countDocuments({ roomId: 'group-room' })).toBe(121);
});

test('a duplicate key clash is reported to its own caller while the rest of the batch is stored', async () => {
  const writer = new MessageWriter(fixture.store.collections.messages, { maxBatch: 100, windowMs: 5, maxInFlight: 4 });
  await writer.write(message('dup-room', 1, 'taken'));
  const outcomes = await Promise.all([
    writer.write(message('dup-room', 2, 'fresh-a')),
    writer.write(message('dup-room', 3, 'taken')),
    writer.write(message('dup-room', 1, 'fresh-b')),
    writer.write(message('dup-room', 4, 'fresh-c')),
  ]);
  expect(outcomes).toEqual(['inserted', 'duplicate', 'duplicate', 'inserted']);
  const seqs = (await fixture.store.collections.messages.find({ roomId: 'dup-room' }).sort({ seq: 1 }).toArray()).map((m) => m.seq);
  expect(seqs).toEqual([1, 2, 4]);
});

test('a write alone in its batch goes out as one insert and learns of its own clash', async () => {
  const batches: BatchStats[] = [];
  const writer = new MessageWriter(fixture.store.collections.messages, {
    maxBatch: 100,
    windowMs: 0,
    maxInFlight: 1,
    onBatch: (s) => batches.push(s),
  });
  await expect(writer.write(message('lone-room', 1, 'lone-a'))).resolves.toBe('inserted');
  await expect(writer.write(message('lone-room', 2, 'lone-a'))).resolves.toBe('duplicate');
  await expect(writer.write(message('lone-room', 1, 'lone-b'))).resolves.toBe('duplicate');
  expect(batches.map((b) => [b.size, b.failed])).toEqual([
    [1, false],
    [1, true],
    [1, true],
  ]);
  const stored = await fixture.store.collections.messages.find({ roomId: 'lone-room' }).toArray();
  expect(stored.map((m) => [m.seq, m.idempotencyKey])).toEqual([[1, 'lone-a']]);
});

test('flush writes what waits and resolves once everything has settled', async () => {
  const writer = new MessageWriter(fixture.store.collections.messages, { maxBatch: 100, windowMs: 60_000, maxInFlight: 4 });
  const pending = writer.write(message('flush-room', 1));
  await writer.flush();
  await expect(pending).resolves.toBe('inserted');
});

test('the window is waited only while writes come at least windowMinRate a second', async () => {
  const batches: BatchStats[] = [];
  const writer = new MessageWriter(fixture.store.collections.messages, {
    maxBatch: 500,
    windowMs: 3000,
    windowMinRate: 50,
    maxInFlight: 1,
    onBatch: (s) => batches.push(s),
  });
  const timed = async (seq: number) => {
    const started = performance.now();
    await writer.write(message('rate-room', seq));
    return performance.now() - started;
  };
  // A first write finds no rate yet: it goes out on the next tick, not after 3 s.
  expect(await timed(1)).toBeLessThan(1500);
  // A burst makes the rate high: its first write opens the batch on the next tick, and the next
  // lone write, with company now likely, waits the whole window for it.
  await Promise.all(Array.from({ length: 100 }, (_, i) => writer.write(message('rate-room', i + 2))));
  expect(await timed(102)).toBeGreaterThanOrEqual(2900);
  // After a quiet second the rate has fallen below 50 a second: no wait again.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect(await timed(103)).toBeLessThan(1500);
  expect(batches.map((b) => b.size)).toEqual([1, 100, 1, 1]);
  expect(await fixture.store.collections.messages.countDocuments({ roomId: 'rate-room' })).toBe(103);
}, 20_000);
