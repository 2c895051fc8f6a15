import type { TargetResult } from '../src/bench/bench-report';
import type { RateStep } from '../src/bench/rate-search';
import type { FinalCheck } from '../src/load/load-run';

// Rounds of a bench target, as the report and the pool read them: three search steps around
// the maximum, a half-rate phase, and for the peers a phase at the cluster's half rate.

function step(rate: number, p50: number, p99: number, extra: Partial<RateStep> = {}): RateStep {
  const latency = { count: 100, p50, p95: p99, p99, max: p99, mean: p50 };
  return {
    rate,
    seconds: 5,
    offered: rate * 5,
    throttled: 0,
    accepted: rate * 5,
    failed: 0,
    acceptedPerSec: rate,
    deliveries: rate * 50,
    deliveriesPerSec: rate * 10,
    sendToAck: latency,
    sendToReceive: latency,
    backlog: 0,
    keptUp: true,
    passed: p99 <= 100,
    why: '',
    cpu: {},
    cpuSeconds: {},
    interval: { accepted: rate * 5, deliveries: rate * 50 },
    intervalSeconds: 5,
    breakdown: undefined,
    ...extra,
  };
}

const CLEAN: FinalCheck = {
  correctness: { lost: 0, lostDeliveries: 0, duplicated: 0, misordered: 0, orderMismatchRooms: 0, seqConflicts: 0 },
  raw: { rawDeliveries: 0, rawDuplicates: 0, late: 0 },
  unacknowledged: 0,
  disconnected: 0,
  changes: {
    ratio: 0,
    sent: 0,
    edits: 0,
    reactionsAdded: 0,
    reactionsRemoved: 0,
    acked: 0,
    refused: {},
    unanswered: 0,
    events: 0,
    staleEvents: 0,
    fieldsChecked: 0,
    mismatched: 0,
    membersUnchecked: 0,
  },
  violations: 0,
};

export function result(target: TargetResult['target'], max: number, halfP99: number, kib: number): TargetResult {
  const steps = [step(max / 2, 5, 10), step(max, 8, 40), step(max * 2, 50, 400)];
  const half = step(max / 2, 6, halfP99, {
    cpuSeconds: target === 'cluster' ? { 'gateway-1': 1, 'gateway-2': 1, worker: 1 } : {},
    interval: { accepted: 500, deliveries: 5000 },
  });
  const same = step(50, 4, 8, { cpuSeconds: { 'bare-1': 0.5 }, interval: { accepted: 500, deliveries: 5000 } });
  return {
    target,
    urls: [],
    maxAcceptedPerSec: max,
    best: steps[1],
    steps,
    half,
    sameRate: target === 'cluster' ? undefined : same,
    final: CLEAN,
    halfFinal: CLEAN,
    memory: { baselineRssBytes: 0, points: [{ connections: 10_000, connected: 10_000, rssBytes: 0, bytesPerConnection: kib * 1024 }] },
  };
}
