import { RateLimiter } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
beforeAll(async () => {
  rt = await openRealtime();
});
afterAll(() => rt.close());

test('hits beyond the limit in one window are refused with the time to wait', async () => {
  const limiter = new RateLimiter(rt.lua, rt.keys);
  const decisions = [];
  for (let i = 0; i < 5; i++) decisions.push(await limiter.hit('msg', 'ann', 3, 10_000));
  expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
  expect(decisions[4]!.retryAfterMs).toBeGreaterThan(0);
  expect(decisions[4]!.retryAfterMs).toBeLessThanOrEqual(10_000);
});

test('each subject has its own budget', async () => {
  const limiter = new RateLimiter(rt.lua, rt.keys);
  await limiter.hit('conn', '10.0.0.1', 1, 10_000);
  expect((await limiter.hit('conn', '10.0.0.2', 1, 10_000)).allowed).toBe(true);
});
