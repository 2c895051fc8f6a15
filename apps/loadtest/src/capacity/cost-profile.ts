/**
 * The measured cost profile the capacity model plans with (docs/capacity-costs.json): what one
 * message costs each part of the cluster, net of what the cluster costs standing still, and
 * what it costs standing still. Written by `npm run bench`, read by `npm run capacity`.
 */
export interface CapacityCosts {
  tool: 'campzone-capacity-costs';
  /** When the bench started (ISO), and the command that produced this profile. */
  measuredAt: string;
  command: string;
  /** cpu and calibrationMs are absent from profiles written before the bench read them. */
  machine: { cores: number; cpu?: string; calibrationMs?: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  store: string;
  /** The bench's load: rooms x members, all connected, `gateways` gateway processes. */
  layout: { rooms: number; membersPerRoom: number; sendersPerRoom: number; payloadBytes: number; connections: number; gateways: number };
  /** Rounds the medians below are over. */
  runs: number;
  /** Per acknowledged message (deliveries: per delivery), with the standing-still share taken out. */
  perMessage: {
    /** Deliveries shown per message in the bench (its fan-out). */
    deliveries: number;
    gatewayCpuSecondsPerDelivery: number;
    workerCpuSeconds: number;
    workerJobs: number;
    redisCommands: number;
    redisBytesIn: number;
    redisBytesOut: number;
    redisCpuSeconds: number;
    storeWrites: number;
    storeReads: number;
    storeBytesWritten: number;
  };
  /** Standing still with every client connected. */
  background: {
    /** CPU of one gateway process (timers, presence, metrics), in cores. */
    gatewayCoresPerPod: number;
    workerCoresPerPod: number;
    /** Redis commands per second per connected socket (presence refreshes and the like). */
    redisCommandsPerSecPerConnection: number;
    /** Store operations and worker jobs per second of the whole cluster (sweeps). */
    storeWritesPerSec: number;
    storeReadsPerSec: number;
    workerJobsPerSec: number;
  };
  /** RSS per idle connection on a gateway (bytes) at the largest level measured, if measured. */
  bytesPerIdleConnection: number | undefined;
  /** The cluster's measured maximum: the best passing step of the rate search (median over runs). */
  measuredMax: { msgsPerSec: number; deliveriesPerSec: number; gatewayCores: number; deliveriesPerSecPerGatewayCore: number };
}

/** Fields of a cost profile the model cannot plan without (a hand-edited file is checked). */
export function costProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return ['not a JSON object'];
  const costs = value as Partial<CapacityCosts>;
  if (costs.tool !== 'campzone-capacity-costs') problems.push('tool is not "campzone-capacity-costs"');
  const numbers = (group: 'perMessage' | 'background', names: string[]) => {
    const section = costs[group] as Record<string, unknown> | undefined;
    for (const name of names) {
      const v = section?.[name];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${group}.${name} must be a number >= 0`);
    }
  };
  numbers('perMessage', [
    'deliveries',
    'gatewayCpuSecondsPerDelivery',
    'workerCpuSeconds',
    'workerJobs',
    'redisCommands',
    'redisBytesIn',
    'redisBytesOut',
    'redisCpuSeconds',
    'storeWrites',
    'storeReads',
    'storeBytesWritten',
  ]);
  numbers('background', [
    'gatewayCoresPerPod',
    'workerCoresPerPod',
    'redisCommandsPerSecPerConnection',
    'storeWritesPerSec',
    'storeReadsPerSec',
    'workerJobsPerSec',
  ]);
  return problems;
}
