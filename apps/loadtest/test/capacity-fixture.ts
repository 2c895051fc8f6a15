import type { CapacityCosts } from '../src/capacity/cost-profile';

/** A cost profile with round figures, so every plan below can be worked out by hand. */
export const COSTS: CapacityCosts = {
  tool: 'campzone-capacity-costs',
  measuredAt: '2026-12-04T16:00:00Z',
  command: 'npm run bench -- --quick',
  machine: { cores: 2, loadAverageAtStart: [1, 1, 1], loadAverageAtEnd: [2, 2, 2] },
  store: 'ferretdb v1 on SQLite',
  layout: { rooms: 10, membersPerRoom: 10, sendersPerRoom: 2, payloadBytes: 100, connections: 100, gateways: 3 },
  runs: 1,
  perMessage: {
    deliveries: 10,
    gatewayCpuSecondsPerDelivery: 0.0001,
    workerCpuSeconds: 0.001,
    workerJobs: 2,
    redisCommands: 10,
    redisBytesIn: 1000,
    redisBytesOut: 4000,
    redisCpuSeconds: 0.0001,
    storeWrites: 2,
    storeReads: 1,
    storeBytesWritten: 500,
  },
  background: {
    gatewayCoresPerPod: 0.1,
    workerCoresPerPod: 0.1,
    redisCommandsPerSecPerConnection: 0.1,
    storeWritesPerSec: 1,
    storeReadsPerSec: 2,
    workerJobsPerSec: 0.5,
  },
  bytesPerIdleConnection: 20_000,
  measuredMax: { msgsPerSec: 100, deliveriesPerSec: 1000, gatewayCores: 1, deliveriesPerSecPerGatewayCore: 1000 },
};
