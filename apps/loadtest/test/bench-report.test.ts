import { latencyChartSpec, latencyPoints, memoryBars } from '../src/bench/bench-charts';
import { replaceFigures } from '../src/bench/bench-docs';
import { formatBench, markdownReport, summarize, summarizeTarget } from '../src/bench/bench-report';
import { costKind, cpuPerThousand, formatSpread, spread, storeOpsPerMessage } from '../src/bench/bench-stats';
import { counterDeltas, histogramDeltas, parsePrometheusText, quantileMs } from '../src/bench/prometheus-text';
import { result } from './bench-fixture';

test('the median of an odd count is the middle value and the range spans every run', () => {
  expect(spread([210, 75, 537])).toEqual({ median: 210, min: 75, max: 537, runs: 3 });
});

test('the median of an even count is the mean of the middle two, and runs without a figure are left out', () => {
  expect(spread([4, undefined, 1, 3, 2, Number.NaN])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
  expect(spread([undefined])).toBeUndefined();
});

test('a spread prints as median then range, and as one number when the runs agree', () => {
  expect(formatSpread({ median: 210, min: 75, max: 537, runs: 3 })).toBe('210 (75-537)');
  expect(formatSpread({ median: 1.5, min: 1.5, max: 1.5, runs: 3 }, 1, ' ms')).toBe('1.5 ms');
  expect(formatSpread({ median: 2500, min: 1200, max: 3000, runs: 3 })).toBe('2,500 (1,200-3,000)');
  expect(formatSpread(undefined)).toBe('-');
});

test('CPU per 1,000 deliveries adds up processes of one kind and leaves out machine-wide shares', () => {
  const cost = cpuPerThousand(
    { 'gateway-1': 0.5, 'gateway-2': 0.3, 'gateway-3': 0.2, worker: 0.4, redis: 0.1, ferretdb: 1.2, loadgen: 0.6, machine: 9, others: 5 },
    2000,
  );
  expect(cost).toEqual({ gateway: 0.5, worker: 0.2, redis: 0.05, store: 0.6, loadgen: 0.3, total: 1.65 });
});

test('a cost per nothing delivered is no figure', () => {
  expect(cpuPerThousand({ 'bare-1': 1 }, 0)).toBeUndefined();
});

test('process names map to the kinds the cost table compares', () => {
  expect(costKind('gateway-12')).toBe('gateway');
  expect(costKind('bare-3')).toBe('bare');
  expect(costKind('centrifugo-2')).toBe('centrifugo');
  expect(costKind('mongod')).toBe('store');
  expect(costKind('worker')).toBe('worker');
});

test('store operations per message count documents by write kind, read round trips, and bytes', () => {
  const ops = storeOpsPerMessage(
    {
      'gateway:insert': { documents: 200, bytes: 70_000 },
      'gateway:update': { documents: 40, bytes: 2_000 },
      'worker:insert': { documents: 60, bytes: 12_000 },
      'worker:update': { documents: 10, bytes: 1_000 },
    },
    { 'gateway:find': { count: 30 }, 'worker:find': { count: 20 }, 'worker:getMore': { count: 10 }, 'gateway:insert': { count: 33 } },
    200,
  );
  expect(ops).toEqual({ inserts: 1.3, updates: 0.25, deletes: 0, reads: 0.3, writes: 1.55, bytesWritten: 425 });
  expect(storeOpsPerMessage({}, {}, 0)).toBeUndefined();
});

const BEFORE = `# HELP campzone_gateway_mongo_command_seconds x
# TYPE campzone_gateway_mongo_command_seconds histogram
campzone_gateway_mongo_command_seconds_bucket{le="0.001",command="insert",outcome="ok"} 10
campzone_gateway_mongo_command_seconds_bucket{le="0.01",command="insert",outcome="ok"} 10
campzone_gateway_mongo_command_seconds_bucket{le="+Inf",command="insert",outcome="ok"} 10
campzone_gateway_mongo_command_seconds_sum{command="insert",outcome="ok"} 0.005
campzone_gateway_mongo_command_seconds_count{command="insert",outcome="ok"} 10
campzone_gateway_mongo_written_documents_total{command="insert"} 100
`;
const AFTER = `campzone_gateway_mongo_command_seconds_bucket{le="0.001",command="insert",outcome="ok"} 60
campzone_gateway_mongo_command_seconds_bucket{le="0.01",command="insert",outcome="ok"} 108
campzone_gateway_mongo_command_seconds_bucket{le="+Inf",command="insert",outcome="ok"} 110
campzone_gateway_mongo_command_seconds_sum{command="insert",outcome="ok"} 0.305
campzone_gateway_mongo_command_seconds_count{command="insert",outcome="ok"} 110
campzone_gateway_mongo_command_seconds_count{command="insert",outcome="failed"} 3
campzone_gateway_mongo_written_documents_total{command="insert"} 1100
campzone_gateway_nodejs_eventloop_lag_p99_seconds 0.0125
`;

test("a histogram's gain between two scrapes gives the step's count, mean and p99 bucket", () => {
  const before = parsePrometheusText(BEFORE);
  const after = parsePrometheusText(AFTER);
  const deltas = histogramDeltas(before, after, '_mongo_command_seconds', 'command', { outcome: 'ok' });
  expect(Object.keys(deltas)).toEqual(['insert']);
  const insert = deltas.insert!;
  expect(insert.count).toBe(100);
  expect(insert.sumSeconds).toBeCloseTo(0.3);
  // Gains by bucket: 50 under 1 ms, 98 under 10 ms, 100 in all.
  expect(quantileMs(insert, 0.5)).toBe(1);
  expect(quantileMs(insert, 0.6)).toBe(10);
  expect(quantileMs(insert, 0.99)).toBe(Number.POSITIVE_INFINITY);
  expect(counterDeltas(before, after, '_mongo_written_documents_total', 'command')).toEqual({ insert: 1000 });
});

test('a target summary takes the median and range over its runs, and the tail ratio over passing steps', () => {
  const summary = summarizeTarget([result('cluster', 100, 30, 10), result('cluster', 300, 60, 12), result('cluster', 200, 45, 11)]);
  expect(summary.max).toEqual({ median: 200, min: 100, max: 300, runs: 3 });
  expect(summary.halfP99Ms).toEqual({ median: 45, min: 30, max: 60, runs: 3 });
  expect(summary.tailRatio?.median).toBe(5);
  expect(summary.bytesPerIdleConnection['10000']?.median).toBe(11 * 1024);
  expect(summary.cpuPerThousand.gateway?.median).toBe(0.4);
  expect(summary.cpuPerThousand.worker?.median).toBe(0.2);
  expect(summary.violations).toBe(0);
});

/** What a two-round run on one machine records beside its results. */
const META: Parameters<typeof summarize>[1] = {
  command: 'npm run bench',
  startedAt: '2026-12-04T08:00:00Z',
  layout: { rooms: 10, membersPerRoom: 10, sendersPerRoom: 2, payloadBytes: 100 },
  machine: {
    cores: 2,
    cpu: 'AMD EPYC at 2096 MHz',
    calibrationMs: 150,
    loadAverageAtStart: [0.1, 0.2, 0.3],
    loadAverageAtEnd: [1, 1, 1],
  },
  store: 'ferretdb v1 on SQLite',
  runs: 2,
};

test('the bench summary compares cluster and bare per round and renders as text and Markdown', () => {
  const results = {
    cluster: [result('cluster', 100, 30, 10), result('cluster', 200, 60, 12)],
    bare: [result('bare', 1000, 10, 8), result('bare', 400, 12, 8)],
  };
  // Round 2's bare phase cost 2.5x round 1's: each round's gateway is set against its own pair.
  results.bare[1]!.sameRate!.cpuSeconds = { 'bare-1': 1.25 };
  const summary = summarize(results, META, undefined);
  // 100/1000 = 10 % and 200/400 = 50 %: the median of the per-round ratios.
  expect(summary.throughputRatio).toEqual({ median: 30, min: 10, max: 50, runs: 2 });
  expect(summary.memoryRatio['10000']).toBeCloseTo(11 / 8, 10);
  expect(summary.verdict.correctness).toBe(true);
  expect(summary.verdict.latency).toBe(true);
  // Gateways 0.4 CPU s per 1,000 deliveries in both rounds, bare 0.1 and 0.25: 4x and 1.6x.
  expect(summary.costRatio?.median).toBeCloseTo(2.8, 10);
  expect(summary.costRatio?.min).toBeCloseTo(1.6, 10);
  expect(summary.costRatio?.max).toBeCloseTo(4, 10);
  expect(summary.verdict.cost).toBe(false);
  const text = formatBench(summary, results);
  expect(text).toContain('150 (100-200)');
  expect(text).toContain(
    'machine of 2026-12-04T08:00:00Z: 2 cores, AMD EPYC at 2096 MHz, calibration 150 ms (lower is faster); load average (1/5/15 min) 0.10 / 0.20 / 0.30 at start',
  );
  const md = markdownReport(summary);
  expect(md).toContain('| max accepted msg/s (fan-out 10) | 150 (100-200) | 700 (400-1,000) |');
  expect(md).toContain("| gateway CPU per delivery over bare's, same rate | 2.80x (1.60-4.00) | - | cluster <= 2x: MISSED |");
  // The cluster's half rates (50 and 100 msg/s) head the cost table: costs fall as the rate rises.
  expect(md).toContain('| offered msg/s where costs are read | 75 (50-100) | - |');
  expect(md).toContain('2026-12-04T08:00:00Z');
  expect(md).toContain('Machine: 2 cores, AMD EPYC at 2096 MHz, calibration 150 ms (lower is faster)');
});

test('a verdict reads the unrounded median: a share of 24.98 % and a cost of 2.002x miss their targets', () => {
  const results = {
    cluster: [result('cluster', 2498, 30, 10), result('cluster', 2498, 30, 10), result('cluster', 2600, 30, 10)],
    bare: [result('bare', 10_000, 10, 8), result('bare', 10_000, 10, 8), result('bare', 10_000, 10, 8)],
  };
  // Gateways 1.001 CPU s per 1,000 deliveries, bare 0.5: 2.002x, which two decimals print as 2.00.
  for (const cluster of results.cluster) cluster.half!.cpuSeconds = { 'gateway-1': 5.005 };
  for (const bare of results.bare) bare.sameRate!.cpuSeconds = { 'bare-1': 2.5 };
  const summary = summarize(results, { ...META, runs: 3 }, undefined);
  expect(summary.throughputRatio?.median).toBeCloseTo(24.98, 10);
  expect(summary.verdict.throughput).toBe(false);
  expect(summary.verdict.cost).toBe(false);
  expect(markdownReport(summary)).toContain('cluster 24.98% (24.98-26.00) of bare (>= 25%: MISSED)');
});

test('the figures section of the benchmarks page is replaced between its markers and nowhere else', () => {
  const page = [
    '# Benchmarks',
    'method',
    '<!-- bench:figures:start (written by npm run bench) -->',
    'old figures',
    '<!-- bench:figures:end -->',
    'findings',
  ].join('\n');
  const next = replaceFigures(page, 'new figures');
  expect(next).toContain(
    'method\n<!-- bench:figures:start (written by npm run bench) -->\nnew figures\n<!-- bench:figures:end -->\nfindings',
  );
  expect(next).not.toContain('old figures');
  expect(replaceFigures('# no markers', 'x')).toBeUndefined();
});

test('chart data carries the median p50 and p99 of each offered rate, one line per target', () => {
  const results = { cluster: [result('cluster', 100, 30, 10), result('cluster', 100, 60, 12)] };
  const points = latencyPoints(results);
  expect(points.filter((p) => p.rate === 100)).toEqual([
    { target: 'cluster (3 gw + worker)', rate: 100, stat: 'p50', ms: 8 },
    { target: 'cluster (3 gw + worker)', rate: 100, stat: 'p99', ms: 40 },
  ]);
  const spec = latencyChartSpec(points, 'test');
  expect(spec.data).toEqual({ values: points });
});

test('memory bars show KiB per idle connection with the range of runs', () => {
  const summary = summarize(
    { cluster: [result('cluster', 100, 30, 10), result('cluster', 100, 30, 14)] },
    {
      command: '',
      startedAt: '',
      layout: { rooms: 1, membersPerRoom: 2, sendersPerRoom: 1, payloadBytes: 1 },
      machine: { cores: 2, cpu: 'unknown', calibrationMs: 1, loadAverageAtStart: [], loadAverageAtEnd: [] },
      store: '',
      runs: 2,
    },
    undefined,
  );
  expect(memoryBars(summary)).toEqual([{ target: 'cluster (3 gw + worker)', connections: '10,000 idle', kib: 12, minKib: 10, maxKib: 14 }]);
});
