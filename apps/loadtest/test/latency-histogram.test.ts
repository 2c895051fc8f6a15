import { LatencyHistogram } from '../src/stats/latency-histogram';

test('percentiles land within 2 % of the exact order statistic and the max is exact', () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.record(i / 10);
  const s = h.summary();
  expect(s.count).toBe(1000);
  expect(s.p50).toBeGreaterThanOrEqual(50 * 0.98);
  expect(s.p50).toBeLessThanOrEqual(50 * 1.02);
  expect(s.p99).toBeGreaterThanOrEqual(99 * 0.98);
  expect(s.p99).toBeLessThanOrEqual(99 * 1.02);
  expect(s.max).toBe(100);
});

test('histograms from several processes merge into the same percentiles as one', () => {
  const whole = new LatencyHistogram();
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 0; i < 500; i++) {
    whole.record(i);
    (i % 2 === 0 ? a : b).record(i);
  }
  const merged = new LatencyHistogram().merge(a.snapshot()).merge(JSON.parse(JSON.stringify(b.snapshot())));
  expect(merged.summary()).toEqual(whole.summary());
});

test('an empty histogram reports zeros rather than NaN', () => {
  expect(new LatencyHistogram().summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
});
