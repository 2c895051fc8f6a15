import type { CursorUpdate } from '@campzone/store';
import { CursorCopies } from '../src/chat/cursor-copies';

/** A write whose outcome the test decides, one call at a time. */
function controlledWrite() {
  const calls: Array<{ batch: CursorUpdate[]; fail(): void; succeed(): void }> = [];
  const write = (batch: CursorUpdate[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ batch, succeed: resolve, fail: () => reject(new Error('store unavailable')) });
    });
  return { calls, write };
}

const cursor = (participantId: string, seq: number, roomId = 'room'): CursorUpdate => ({ roomId, participantId, seq });

/** A clock the test moves; the copies' own timer never fires within a test (one hour). */
function clock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const INTERVAL = 3_600_000;

test('a copy waits one interval, keeps only the latest cursor, and is written once', async () => {
  const { calls, write } = controlledWrite();
  const time = clock();
  const copies = new CursorCopies(write, () => undefined, INTERVAL, time.now);
  copies.set(cursor('ann', 1));
  copies.set(cursor('ann', 4));

  await copies.tick();
  expect(calls).toHaveLength(0);

  time.advance(INTERVAL);
  const written = copies.tick();
  expect(calls[0]?.batch).toEqual([cursor('ann', 4)]);
  calls[0]?.succeed();
  await written;

  await copies.tick();
  await copies.stop();
  expect(calls).toHaveLength(1);
});

test('due copies go out a slice per tick, oldest first, so a flush is no train of writes', async () => {
  const { calls, write } = controlledWrite();
  const time = clock();
  const copies = new CursorCopies(write, () => undefined, INTERVAL, time.now);
  for (let i = 0; i < 100; i++) {
    copies.set(cursor(`m${i}`, i, `room-${i % 10}`));
    time.advance(1);
  }
  time.advance(INTERVAL);

  const sizes: number[] = [];
  const order: string[] = [];
  for (let tick = 0; tick < 10; tick++) {
    const written = copies.tick();
    const call = calls[tick];
    if (!call) throw new Error(`tick ${tick} wrote nothing`);
    sizes.push(call.batch.length);
    order.push(...call.batch.map((c) => c.participantId));
    call.succeed();
    await written;
  }
  expect(sizes).toEqual(Array(10).fill(10));
  expect(order).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
  await copies.stop();
  expect(calls).toHaveLength(10);
});

test('a slice whose write failed is first in line at the next tick, except cursors that moved meanwhile', async () => {
  const { calls, write } = controlledWrite();
  const time = clock();
  const errors: number[] = [];
  const copies = new CursorCopies(write, (_err, size) => errors.push(size), INTERVAL, time.now);
  copies.set(cursor('ann', 3));
  copies.set(cursor('bob', 5));
  time.advance(INTERVAL);

  const first = copies.tick();
  // A tick while the write is out writes nothing: one write at a time.
  await copies.tick();
  expect(calls).toHaveLength(1);
  // Bob acks further while the failing write is out: his newer cursor must win.
  copies.set(cursor('bob', 9));
  calls[0]?.fail();
  await first;
  expect(errors).toEqual([2]);

  // Ann's kept copy is due at once; Bob's newer one became pending just now.
  const second = copies.tick();
  expect(calls[1]?.batch).toEqual([cursor('ann', 3)]);
  calls[1]?.succeed();
  await second;

  // The drain writes what is pending, due or not.
  const stopped = copies.stop();
  await new Promise((resolve) => setImmediate(resolve));
  expect(calls[2]?.batch).toEqual([cursor('bob', 9)]);
  calls[2]?.succeed();
  await stopped;
});
