import { CoalescingFlusher } from '../src/lifecycle/coalescing-flusher';

interface Seen {
  userId: string;
  isOnline: boolean;
}

/** A write whose outcome the test decides, one call at a time. */
function controlledWrite() {
  const calls: Array<{ batch: Seen[]; fail(): void; succeed(): void }> = [];
  const write = (batch: Seen[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ batch, succeed: resolve, fail: () => reject(new Error('store unavailable')) });
    });
  return { calls, write };
}

test('a batch whose write failed is carried by the next flush, except keys that changed meanwhile', async () => {
  const { calls, write } = controlledWrite();
  const errors: number[] = [];
  const flusher = new CoalescingFlusher<Seen>(write, (_err, size) => errors.push(size), 60_000);
  flusher.set('ann', { userId: 'ann', isOnline: true });
  flusher.set('bob', { userId: 'bob', isOnline: false });

  const first = flusher.flush();
  // Bob comes back online while the failing write is out: his newer value must win.
  flusher.set('bob', { userId: 'bob', isOnline: true });
  calls[0]?.fail();
  await first;
  expect(errors).toEqual([2]);

  const second = flusher.flush();
  expect(calls[1]?.batch).toEqual(
    expect.arrayContaining([
      { userId: 'ann', isOnline: true },
      { userId: 'bob', isOnline: true },
    ]),
  );
  expect(calls[1]?.batch).toHaveLength(2);
  calls[1]?.succeed();
  await second;

  // Written once, the batch is gone: nothing is sent again.
  await flusher.stop();
  expect(calls).toHaveLength(2);
});
