import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeComparison } from '../src/bench/bench-compare';
import { runBenchCli } from '../src/bench/bench-main';
import { parseSavedRun, poolRuns, type SavedRun, savedRunLines, writeSavedRun } from '../src/bench/bench-pool';
import { markdownReport, summarize, type TargetName, type TargetResult } from '../src/bench/bench-report';
import { result } from './bench-fixture';
import { consoleErrorsOf } from './console-errors';
import { BENCH_ENTRY, runCli } from './run-cli';

const LAYOUT = { rooms: 10, membersPerRoom: 10, sendersPerRoom: 2, payloadBytes: 100 };

function savedRun(startedAt: string, results: Partial<Record<TargetName, TargetResult[]>>, store = 'ferretdb v1 on SQLite'): SavedRun {
  const machine = {
    cores: 2,
    cpu: 'AMD EPYC at 2445 MHz',
    calibrationMs: 170,
    loadAverageAtStart: [0.5, 0.4, 0.3],
    loadAverageAtEnd: [1.5, 1.4, 1.3],
  };
  const runs = Math.max(...Object.values(results).map((r) => r.length));
  const summary = summarize(results, { command: 'npm run bench', startedAt, layout: LAYOUT, machine, store, runs }, undefined);
  return { source: `${startedAt}.jsonl`, summary, results };
}

const EARLY = () => savedRun('2026-12-07T03:00:00Z', { cluster: [result('cluster', 100, 30, 10)], bare: [result('bare', 1000, 10, 8)] });
const LATE = () =>
  savedRun('2026-12-07T04:00:00Z', {
    cluster: [result('cluster', 300, 60, 12), result('cluster', 200, 45, 11)],
    bare: [result('bare', 600, 12, 8), result('bare', 400, 12, 8)],
  });

test('a saved run reads back from the lines the bench prints, whatever else its output holds', () => {
  const run = EARLY();
  const stdout = ['a text table', ...savedRunLines(run.summary, run.results), '[bench] a progress line'].join('\n');
  const back = parseSavedRun(stdout, 'bench.out');
  expect(back.summary).toEqual(JSON.parse(JSON.stringify(run.summary)));
  expect(back.results.cluster).toEqual(JSON.parse(JSON.stringify(run.results.cluster)));
  expect(back.results.bare).toHaveLength(1);
});

test('pooled runs give every figure over all their rounds, and pair each cluster round with its own run’s bare round', () => {
  const { summary } = poolRuns([EARLY(), LATE()]);
  expect(summary.runs).toBe(3);
  expect(summary.targets.cluster?.max).toEqual({ median: 200, min: 100, max: 300, runs: 3 });
  // 100/1000, 300/600 and 200/400: the rounds' own ratios, not the pooled maxima's.
  expect(summary.throughputRatio).toEqual({ median: 50, min: 10, max: 50, runs: 3 });
  expect(summary.pooled?.map((p) => [p.startedAt, p.runs])).toEqual([
    ['2026-12-07T03:00:00Z', 1],
    ['2026-12-07T04:00:00Z', 2],
  ]);
  const md = markdownReport(summary);
  expect(md).toMatch(
    /^Runs 2026-12-07T03:00:00Z and 2026-12-07T04:00:00Z pooled with `npm run bench -- --pool 2026-12-07T03:00:00Z.jsonl,2026-12-07T04:00:00Z.jsonl`: 3 rounds from 2 runs per target, store/,
  );
  expect(md).toContain('2026-12-07T04:00:00Z (2 rounds) 2 cores, AMD EPYC at 2445 MHz, calibration 170 ms');
  expect(md).toContain('| max accepted msg/s (fan-out 10) | 200 (100-300) |');
  const third = savedRun('2026-12-07T05:00:00Z', EARLY().results);
  expect(markdownReport(poolRuns([EARLY(), LATE(), third]).summary)).toMatch(
    /^Runs 2026-12-07T03:00:00Z, 2026-12-07T04:00:00Z and 2026-12-07T05:00:00Z pooled with `[^`]+`: 4 rounds from 3 runs per target/,
  );
  // A pooled section is what a later run is compared against, like a single run's.
  const single = markdownReport(EARLY().summary);
  expect(describeComparison(md, single)).toContain(
    "against the published runs of 2026-12-07T03:00:00Z and 2026-12-07T04:00:00Z (docs/benchmarks.md, the README's table):",
  );
});

test('runs that measured different things, or whose rounds cannot be paired, are not pooled', () => {
  const pg = savedRun(
    '2026-12-07T05:00:00Z',
    { cluster: [result('cluster', 100, 30, 10)], bare: [result('bare', 1000, 10, 8)] },
    'ferretdb v1 on PostgreSQL',
  );
  expect(() => poolRuns([EARLY(), pg])).toThrow(/2026-12-07T05:00:00Z.jsonl measured store ferretdb v1 on PostgreSQL.*not pooled/);
  const clusterOnly = savedRun('2026-12-07T05:00:00Z', { cluster: [result('cluster', 100, 30, 10)] });
  expect(() => poolRuns([EARLY(), clusterOnly])).toThrow('has targets cluster, 2026-12-07T03:00:00Z.jsonl cluster, bare: not pooled');
  const uneven = savedRun('2026-12-07T05:00:00Z', { cluster: [result('cluster', 100, 30, 10)], bare: [] });
  uneven.results.bare = [result('bare', 1, 1, 1), result('bare', 2, 2, 2)];
  expect(() => poolRuns([EARLY(), uneven])).toThrow('its targets have different numbers of rounds');
  expect(() => poolRuns([])).toThrow('at least one saved run');
});

test('a saved run that is not one is refused with its file and line', () => {
  expect(() => parseSavedRun('{"tool":"campzone-bench-target", oops', 'x.out')).toThrow('x.out:1: not a JSON line');
  expect(() => parseSavedRun('\n{"tool":"campzone-bench-target","target":"redis","steps":[]}', 'x.out')).toThrow(
    'x.out:2: a round without a known target',
  );
  expect(() => parseSavedRun('{"tool":"campzone-bench","startedAt":1}', 'x.out')).toThrow('x.out:1: a summary without its start');
  expect(() => parseSavedRun('nothing of ours', 'x.out')).toThrow('x.out: no summary line');
  const { summary } = EARLY();
  expect(() => parseSavedRun(JSON.stringify(summary), 'x.out')).toThrow('x.out: no rounds');
});

describe('npm run bench -- --pool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-pool-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('pools saved runs into one report and writes the figures a run would', async () => {
    const files: string[] = [];
    for (const run of [EARLY(), LATE()]) files.push(await writeSavedRun(run.summary, run.results, dir));
    expect(files.map((f) => f.slice(dir.length))).toEqual([
      '/bench-runs/2026-12-07T03-00-00Z.jsonl',
      '/bench-runs/2026-12-07T04-00-00Z.jsonl',
    ]);
    const out = join(dir, 'docs');
    const { code, stdout, stderr } = await runCli(['--pool', files.join(','), '--out-dir', out], BENCH_ENTRY);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('[bench] wrote ') });
    expect(stdout).toContain('Runs 2026-12-07T03:00:00Z and 2026-12-07T04:00:00Z pooled');
    // The checkout's published figures are compared against, as after a run.
    expect(stdout).toMatch(/against the published runs? of .*: \d+ of \d+ medians inside its ranges/);
    expect(await readFile(join(out, 'bench-figures.md'), 'utf8')).toContain('| max accepted msg/s (fan-out 10) | 200 (100-300) |');
    expect(await readFile(join(out, 'bench-latency.svg'), 'utf8')).toContain('<svg');
  });

  test('refuses load flags beside --pool, and a file it cannot read, before anything runs', async () => {
    const errors = await consoleErrorsOf(async () => {
      await expect(runBenchCli(['--pool', 'a.jsonl', '--runs', '5'])).resolves.toBe(2);
      await expect(runBenchCli(['--pool', join(dir, 'missing.jsonl'), '--no-write'])).resolves.toBe(2);
    });
    expect(errors).toContain('--pool runs no load: it takes only --no-write and --out-dir (got --runs)');
    expect(errors).toContain(`--pool: ${join(dir, 'missing.jsonl')}: no such file`);
  });
});
