import { type BenchRun, searchMaxRate } from '../src/bench/rate-search';
import type { PhaseResult } from '../src/load/drive-phase';
import { LoadMeter } from '../src/load/load-meter';
import type { PhaseSpec } from '../src/load/load-run';

// The search's own rules, on a scripted run (each phase answers the p99 the script gives for its
// rate and attempt): what the real targets add is measured by `npm run bench`, not here.

type Script = (rate: number, attempt: number) => { p99: number; accepted?: number };

function scriptedRun(script: Script): BenchRun & { asked: number[] } {
  const attempts = new Map<number, number>();
  const asked: number[] = [];
  return {
    asked,
    meter: new LoadMeter(),
    outstanding: 0,
    backlog: 0,
    sendOne: () => undefined,
    async drive(spec: PhaseSpec): Promise<PhaseResult> {
      const attempt = (attempts.get(spec.rate) ?? 0) + 1;
      attempts.set(spec.rate, attempt);
      asked.push(spec.rate);
      const { p99, accepted = spec.rate * 5 } = script(spec.rate, attempt);
      const latency = { count: accepted, p50: 10, p95: p99 / 2, p99, max: p99, mean: 12 };
      return {
        rate: spec.rate,
        seconds: 5,
        offered: spec.rate * 5,
        throttled: 0,
        accepted,
        failed: 0,
        acceptedPerSec: accepted / 5,
        deliveries: accepted * 10,
        deliveriesPerSec: accepted * 2,
        sendToAck: latency,
        sendToReceive: latency,
        backlog: 0,
        keptUp: accepted > 0,
      };
    },
    finish: () => Promise.reject(new Error('not used by the search')),
    close: () => Promise.resolve(),
  };
}

const options = {
  startRate: 100,
  growth: 1.45,
  maxSteps: 10,
  windowMs: 5000,
  rampMs: 1000,
  p99LimitMs: 100,
  deadline: Number.MAX_SAFE_INTEGER,
};

test('a failing step whose repeat passes is a spike: the search goes on, and stops only at a failure that repeats', async () => {
  // 210/s fails once (a stall), 305/s fails twice (the limit), 257/s in between passes.
  const run = scriptedRun((rate, attempt) => ({ p99: (rate === 210 && attempt === 1) || rate === 305 ? 150 : 40 }));
  const { steps, best } = await searchMaxRate(run, options);
  expect(run.asked).toEqual([100, 145, 210, 210, 305, 305, 257]);
  expect(best?.rate).toBe(257);
  expect(steps.map((s) => [s.rate, s.passed, s.overruled ?? false])).toEqual([
    [100, true, false],
    [145, true, false],
    [210, false, true],
    [210, true, false],
    [305, false, false],
    [305, false, false],
    [257, true, false],
  ]);
});

test('a step that got nothing through is not repeated: a wedged target would only be measured again', async () => {
  const run = scriptedRun((rate) => (rate >= 145 ? { p99: 0, accepted: 0 } : { p99: 40 }));
  const { best } = await searchMaxRate(run, options);
  expect(run.asked).toEqual([100, 145]);
  expect(best?.rate).toBe(100);
});
