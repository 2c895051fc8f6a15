import { SingleFlight } from '../src/chat/single-flight';

test('concurrent calls with one key share one call; later calls and other keys make their own', async () => {
  const flight = new SingleFlight<number>();
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const slow = async () => {
    calls += 1;
    const call = calls;
    await gate;
    return call;
  };
  const a = flight.run('room|5|100', slow);
  const b = flight.run('room|5|100', slow);
  const other = flight.run('room|6|100', slow);
  release();
  expect(await Promise.all([a, b])).toEqual([1, 1]);
  expect(await other).toBe(2);
  expect(await flight.run('room|5|100', slow)).toBe(3);
});

test('a failed call rejects every waiter once and is not kept', async () => {
  const flight = new SingleFlight<number>();
  const failing = () => Promise.reject(new Error('store down'));
  const results = await Promise.allSettled([flight.run('k', failing), flight.run('k', failing)]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  await expect(flight.run('k', async () => 7)).resolves.toBe(7);
});
