import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchSummary, TargetResult } from '../src/bench/bench-report';
import { capacityCosts, writeCapacityCosts } from '../src/bench/capacity-costs';
import type { IdleStep, RateStep } from '../src/bench/rate-search';
import { costProblems } from '../src/capacity/cost-profile';

const SUMMARY = {
  tool: 'campzone-bench',
  command: 'npm run bench -- --quick',
  startedAt: '2026-12-04T16:00:00Z',
  layout: { rooms: 10, membersPerRoom: 10, sendersPerRoom: 2, payloadBytes: 100 },
  machine: { cores: 2, loadAverageAtStart: [3, 2, 1], loadAverageAtEnd: [4, 3, 2] },
  store: 'ferretdb v1 on SQLite',
  runs: 1,
  targets: {
    cluster: {
      bytesPerIdleConnection: {
        '1000': { median: 15_000, min: 15_000, max: 15_000, runs: 1 },
        '2000': { median: 14_000, min: 14_000, max: 14_000, runs: 1 },
      },
    },
  },
} as unknown as BenchSummary;

/** 10 s standing still: gateways 0.1 s CPU each, the worker 0.2 s, 200 Redis commands, sweeps. */
const IDLE: IdleStep = {
  seconds: 10,
  cpuSeconds: { 'gateway-1': 0.1, 'gateway-2': 0.1, 'gateway-3': 0.1, worker: 0.2, redis: 0.1 },
  breakdown: {
    loop: {},
    mongo: { 'worker:find': { count: 20, meanMs: 1, p99Ms: 1 } },
    redis: {},
    written: { 'worker:update': { documents: 10, bytes: 1000 } },
    workerJobs: { sweep: 5 },
    events: {},
  },
  redisStats: { commands: 200, byCommand: {}, netInputBytes: 2000, netOutputBytes: 3000 },
};

/** 20 s at 10 msgs/s: 200 messages, 2,000 deliveries. */
const HALF = {
  interval: { accepted: 200, deliveries: 2000 },
  intervalSeconds: 20,
  cpu: {},
  cpuSeconds: { 'gateway-1': 0.4, 'gateway-2': 0.4, 'gateway-3': 0.4, worker: 0.8, redis: 0.4, loadgen: 3 },
  breakdown: {
    loop: {},
    mongo: { 'gateway:find': { count: 240, meanMs: 1, p99Ms: 1 }, 'worker:find': { count: 40, meanMs: 1, p99Ms: 1 } },
    redis: {},
    written: { 'gateway:insert': { documents: 200, bytes: 60_000 }, 'worker:update': { documents: 220, bytes: 12_000 } },
    workerJobs: { deliver: 400, sweep: 10 },
    events: { send_message: 100 },
  },
  redisStats: { commands: 3400, byCommand: {}, netInputBytes: 104_000, netOutputBytes: 206_000 },
} as unknown as RateStep;

const BEST = {
  acceptedPerSec: 30,
  deliveriesPerSec: 300,
  cpu: { 'gateway-1': 0.3, 'gateway-2': 0.3, 'gateway-3': 0.4, worker: 0.5 },
} as unknown as RateStep;

const RESULT = { target: 'cluster', half: HALF, idle: IDLE, best: BEST } as unknown as TargetResult;

test('per-message costs are the half-rate run net of the same run standing still for as long', () => {
  const costs = capacityCosts(SUMMARY, [RESULT])!;
  // Gateways: 1.2 s - 0.3 s x (20 / 10) = 0.6 s over 2,000 deliveries.
  expect(costs.perMessage.gatewayCpuSecondsPerDelivery).toBeCloseTo(0.0003);
  expect(costs.perMessage.workerCpuSeconds).toBeCloseTo((0.8 - 0.4) / 200);
  expect(costs.perMessage.redisCommands).toBe((3400 - 400) / 200);
  expect(costs.perMessage.redisBytesIn).toBe((104_000 - 4000) / 200);
  expect(costs.perMessage.storeWrites).toBe((420 - 20) / 200);
  expect(costs.perMessage.storeReads).toBe((280 - 40) / 200);
  expect(costs.perMessage.workerJobs).toBe((410 - 10) / 200);
  expect(costs.perMessage.deliveries).toBe(10);
  expect(costs.background).toEqual({
    gatewayCoresPerPod: 0.01,
    workerCoresPerPod: 0.02,
    redisCommandsPerSecPerConnection: 0.2,
    storeWritesPerSec: 1,
    storeReadsPerSec: 2,
    workerJobsPerSec: 0.5,
  });
  // The largest idle-memory level measured, and the search's best step per gateway core.
  expect(costs.bytesPerIdleConnection).toBe(14_000);
  expect(costs.measuredMax).toEqual({ msgsPerSec: 30, deliveriesPerSec: 300, gatewayCores: 1, deliveriesPerSecPerGatewayCore: 300 });
  expect(costs.layout).toMatchObject({ connections: 100, gateways: 3 });
  expect(costs).toMatchObject({ measuredAt: '2026-12-04T16:00:00Z', command: 'npm run bench -- --quick', runs: 1 });
});

test('no half-rate run with its standing-still window gives no profile (the old file stays)', () => {
  expect(capacityCosts(SUMMARY, [{ ...RESULT, idle: undefined }])).toBeUndefined();
  expect(capacityCosts(SUMMARY, [])).toBeUndefined();
});

test('the written profile reads back as one the capacity model accepts', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'capacity-costs-'));
  const file = await writeCapacityCosts(capacityCosts(SUMMARY, [RESULT])!, dir);
  expect(file).toBe(path.join(dir, 'capacity-costs.json'));
  const read = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  expect(costProblems(read)).toEqual([]);
  expect(read).toEqual(capacityCosts(SUMMARY, [RESULT]));
});
