import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFigures, describeComparison, figuresOf, parseFigure } from '../src/bench/bench-compare';
import { publishedFigures } from '../src/bench/bench-docs';

const RUN = (when: string, store = 'store ferretdb v1 on SQLite') =>
  `Run ${when} with \`npm run bench\`: 3 interleaved run(s) per target, ${store}, 10 rooms x 10 members, 2 senders per room, 100-byte payloads. Machine: 2 cores.`;

const section = (when: string, cluster: string, bare: string, share: string, rss: string, store?: string) =>
  [
    RUN(when, store),
    '',
    '|  | cluster (3 gw + worker) | bare Socket.IO (3 procs) | target |',
    '|---|---|---|---|',
    `| max accepted msg/s (fan-out 10) | ${cluster} | ${bare} | cluster ${share} of bare (>= 25%: MISSED) |`,
    `| RSS per idle connection @ 10,000 | ${rss} | 13.8 KiB (13.6-13.8) | cluster 1.2x bare (<= 1.5x: met) |`,
    '',
    'Cost per delivery:',
    '',
    '|  | cluster (3 gw + worker) | bare Socket.IO (3 procs) |',
    '|---|---|---|',
    '| CPU s per 1,000 deliveries: gateway | 0.401 (0.319-0.430) | - |',
  ].join('\n');

test('a printed figure reads back as median and range, in every form the report prints', () => {
  expect(parseFigure('2,168 (2,163-2,169)')).toEqual({ median: 2168, min: 2163, max: 2169 });
  expect(parseFigure('>= 5,646 (3,901-5,672)')).toEqual({ median: 5646, min: 3901, max: 5672, maxIsLowerBound: true });
  expect(parseFigure('16.6 KiB (15.2-17.9)')).toEqual({ median: 16.6, min: 15.2, max: 17.9 });
  expect(parseFigure('4.7x (4.0-4.8)')).toEqual({ median: 4.7, min: 4, max: 4.8 });
  expect(parseFigure('14.0% (11.9-17.3)')).toEqual({ median: 14, min: 11.9, max: 17.3 });
  expect(parseFigure('1.00')).toEqual({ median: 1, min: 1, max: 1 });
  expect(parseFigure('-')).toBeUndefined();
  expect(parseFigure('cluster <= 50 ms: met')).toBeUndefined();
});

test("each table's cells are keyed by row and column, and the share of bare comes from the target column", () => {
  const figures = figuresOf(
    section('2026-12-06T15:49:36Z', '303 (257-374)', '2,168 (2,163-2,169)', '14.0% (11.9-17.3)', '16.6 KiB (15.2-17.9)'),
  );
  expect(figures.get('max accepted msg/s (fan-out 10) | cluster (3 gw + worker)')).toEqual({ median: 303, min: 257, max: 374 });
  expect(figures.get('max accepted msg/s (fan-out 10) | bare Socket.IO (3 procs)')).toEqual({ median: 2168, min: 2163, max: 2169 });
  expect(figures.get("cluster's share of bare's maximum, % | cluster (3 gw + worker)")).toEqual({ median: 14, min: 11.9, max: 17.3 });
  expect(figures.get('CPU s per 1,000 deliveries: gateway | cluster (3 gw + worker)')).toEqual({ median: 0.401, min: 0.319, max: 0.43 });
  expect(figures.has('CPU s per 1,000 deliveries: gateway | bare Socket.IO (3 procs)')).toBe(false);
  expect(figures.size).toBe(6);
});

test("a new run's medians are placed inside, below or above the published ranges", () => {
  const published = section('2026-12-06T15:49:36Z', '303 (257-374)', '2,168 (2,163-2,169)', '14.0% (11.9-17.3)', '16.6 KiB (15.2-17.9)');
  const current = section('2026-12-06T16:18:55Z', '257 (210-258)', '1,490 (1,031-1,772)', '17.3% (11.9-25.0)', '19.9 KiB');
  const where = Object.fromEntries(compareFigures(published, current).map((c) => [c.figure, c.placement]));
  expect(where).toEqual({
    'max accepted msg/s (fan-out 10) | cluster (3 gw + worker)': 'inside',
    'max accepted msg/s (fan-out 10) | bare Socket.IO (3 procs)': 'below',
    "cluster's share of bare's maximum, % | cluster (3 gw + worker)": 'inside',
    'RSS per idle connection @ 10,000 | cluster (3 gw + worker)': 'above',
    'RSS per idle connection @ 10,000 | bare Socket.IO (3 procs)': 'inside',
    'CPU s per 1,000 deliveries: gateway | cluster (3 gw + worker)': 'inside',
  });
  const report = describeComparison(published, current);
  expect(report).toContain('against the published run of 2026-12-06T15:49:36Z');
  expect(report).toContain('4 of 6 medians inside its ranges');
  expect(report).toMatch(/bare Socket\.IO \(3 procs\)\s+2168 \(2163-2169\)\s+1490 \(1031-1772\)\s+below/);
});

test('a median above a range whose top was never refused is inside it, and below one still is below', () => {
  const published = section('2026-12-07T02:59:05Z', '374 (257-647)', '>= 3,306 (2,273-5,663)', '21.2%', '19.0 KiB');
  const higher = section('2026-12-07T06:22:10Z', '638 (441-639)', '>= 5,671 (4,850-5,672)', '17.2%', '19.0 KiB');
  const lower = section('2026-12-07T06:22:10Z', '638 (441-639)', '2,200 (2,100-2,300)', '17.2%', '19.0 KiB');
  const bare = 'max accepted msg/s (fan-out 10) | bare Socket.IO (3 procs)';
  expect(compareFigures(published, higher).find((c) => c.figure === bare)?.placement).toBe('inside');
  expect(compareFigures(published, lower).find((c) => c.figure === bare)?.placement).toBe('below');
  const refusedAtTop = section('2026-12-07T02:59:05Z', '374 (257-647)', '3,306 (2,273-5,663)', '21.2%', '19.0 KiB');
  expect(compareFigures(refusedAtTop, higher).find((c) => c.figure === bare)?.placement).toBe('above');
  expect(describeComparison(published, higher)).toMatch(/>= 3306 \(2273-5663\)\s+>= 5671 \(4850-5672\)\s+inside/);
});

test('a run of another store or load shape is not compared', () => {
  const published = section('2026-12-06T15:49:36Z', '303 (257-374)', '2,168', '14.0%', '16.6 KiB');
  const current = section('2026-12-06T16:45:43Z', '304 (75-374)', '2,168', '14.0%', '16.6 KiB', 'store ferretdb v1 on PostgreSQL');
  expect(describeComparison(published, current)).toBe(
    'against the published run of 2026-12-06T15:49:36Z: not compared (it measured store ferretdb v1 on SQLite, 10 rooms x 10 members, ' +
      '2 senders per room, 100-byte payloads; this run store ferretdb v1 on PostgreSQL, 10 rooms x 10 members, 2 senders per room, 100-byte payloads)',
  );
});

test('the figures docs/benchmarks.md publishes read back whole, and a run equal to them lies inside every range', () => {
  const page = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'benchmarks.md'), 'utf8');
  const published = publishedFigures(page);
  expect(published).toBeDefined();
  const figures = figuresOf(published!);
  // Three targets' headline rows and the cluster's cost and store rows: far more than a handful.
  expect(figures.size).toBeGreaterThan(25);
  expect(figures.has('max accepted msg/s (fan-out 10) | cluster (3 gw + worker)')).toBe(true);
  expect(figures.has("cluster's share of bare's maximum, % | cluster (3 gw + worker)")).toBe(true);
  const rows = compareFigures(published!, published!);
  expect(rows).toHaveLength(figures.size);
  expect(rows.every((r) => r.placement === 'inside')).toBe(true);
});
