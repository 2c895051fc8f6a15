import { type MemorySample, memoryTrend } from '../src/soak/memory-trend';

const samples = (f: (minute: number) => number): MemorySample[] =>
  Array.from({ length: 31 }, (_, minute) => ({ atMinutes: minute, rssBytes: f(minute) }));

test('a flat process with noise shows no growth once warmed up', () => {
  const trend = memoryTrend(
    samples((m) => (m < 5 ? 50e6 + m * 10e6 : 100e6 + (m % 2 === 0 ? 2e6 : -2e6))),
    (s) => s.rssBytes,
    5,
  );
  expect(trend?.samples).toBe(26);
  expect(Math.abs(trend?.growth ?? 1)).toBeLessThan(0.02);
});

test('a leak of 1 MB a minute on 100 MB is 25 % over minutes 5 to 30', () => {
  const trend = memoryTrend(
    samples((m) => 95e6 + m * 1e6),
    (s) => s.rssBytes,
    5,
  );
  expect(trend?.growth).toBeCloseTo(0.25, 5);
  expect(trend?.slopePerHour).toBeCloseTo(60e6, 0);
});

test('fewer than two samples after the warm-up cannot be judged', () => {
  expect(
    memoryTrend(
      samples(() => 1),
      (s) => s.rssBytes,
      30,
    ),
  ).toBeUndefined();
  expect(
    memoryTrend(
      samples(() => 1),
      (s) => s.heapUsedBytes,
      0,
    ),
  ).toBeUndefined();
});
