import type { CapacityCosts } from './cost-profile';

/** A campus at its busiest hour. */
export interface CampusLoad {
  users: number;
  rooms: number;
  /** Members of a typical room: a message's fan-out before the online share. */
  membersPerRoom: number;
  /** Messages a user sends per hour, averaged over the day's active hours. */
  msgsPerUserHour: number;
  /** Share of users connected at the peak. */
  onlineFraction: number;
  /** Peak message rate over the average. */
  peakFactor: number;
  /** Sockets per online user (tabs, phone + laptop). */
  socketsPerUser: number;
  /** classic: every gateway receives every broadcast; sharded: only those with a member of the room. */
  adapter: 'classic' | 'sharded';
}

/**
 * What one unit of each part can carry. Only the gateway and worker costs are measured (the
 * cost profile); these budgets are stated assumptions, printed beside every plan.
 */
export interface Budgets {
  /** Share of each unit planned to be busy at the peak (headroom for a lost pod or a spike). */
  targetUtilization: number;
  gatewayPodCores: number;
  gatewayPodMemoryBytes: number;
  /** Used when the cost profile has no idle-connection memory figure. */
  fallbackBytesPerIdleConnection: number;
  workerPodCores: number;
  /** One Redis shard (one core): simple commands per second; Lua scripts cost more, see the CPU row. */
  redisCommandsPerShard: number;
  /** One Redis instance's pub/sub deliveries per second (Centrifugo's measurement, about 650k). */
  redisPubsubDeliveriesPerInstance: number;
  /** One MongoDB 7 shard (3-member replica set, w: majority, NVMe): writes and reads per second. */
  mongoWritesPerShard: number;
  mongoReadsPerShard: number;
}

export const DEFAULT_BUDGETS: Budgets = {
  targetUtilization: 0.6,
  gatewayPodCores: 1,
  gatewayPodMemoryBytes: 1024 ** 3,
  fallbackBytesPerIdleConnection: 60_000,
  workerPodCores: 1,
  redisCommandsPerShard: 100_000,
  redisPubsubDeliveriesPerInstance: 650_000,
  mongoWritesPerShard: 5_000,
  mongoReadsPerShard: 20_000,
};

/** The load a cluster carries at one moment: what the model charges costs against. */
export interface LoadPoint {
  msgsPerSec: number;
  deliveriesPerSec: number;
  connections: number;
  gatewayPods: number;
  workerPods: number;
}

/** What the load costs each part, per second (cores are CPU seconds per second). */
export interface Demand {
  gatewayCores: number;
  workerCores: number;
  workerJobsPerSec: number;
  redisCommandsPerSec: number;
  redisBytesPerSec: number;
  redisCores: number;
  storeWritesPerSec: number;
  storeReadsPerSec: number;
}

/**
 * The cost profile applied to one load: per-message and per-delivery costs times the rates,
 * plus the standing-still costs per process, per connection or per cluster. `--check`
 * compares exactly this with a measured run.
 */
export function demandAt(costs: CapacityCosts, load: LoadPoint): Demand {
  const m = costs.perMessage;
  const b = costs.background;
  return {
    gatewayCores: load.deliveriesPerSec * m.gatewayCpuSecondsPerDelivery + load.gatewayPods * b.gatewayCoresPerPod,
    workerCores: load.msgsPerSec * m.workerCpuSeconds + load.workerPods * b.workerCoresPerPod,
    workerJobsPerSec: load.msgsPerSec * m.workerJobs + b.workerJobsPerSec,
    redisCommandsPerSec: load.msgsPerSec * m.redisCommands + load.connections * b.redisCommandsPerSecPerConnection,
    redisBytesPerSec: load.msgsPerSec * (m.redisBytesIn + m.redisBytesOut),
    redisCores: load.msgsPerSec * m.redisCpuSeconds,
    storeWritesPerSec: load.msgsPerSec * m.storeWrites + b.storeWritesPerSec,
    storeReadsPerSec: load.msgsPerSec * m.storeReads + b.storeReadsPerSec,
  };
}

export type Part = 'gateway' | 'worker' | 'redis' | 'mongodb';

/** One limit of one part: how much of it the campus needs at its peak. */
export interface Limit {
  part: Part;
  /** What runs out: `CPU`, `memory`, `commands/s`, ... */
  resource: string;
  demand: number;
  demandUnit: string;
  /** What one unit carries (already at the target utilization). */
  perUnit: number;
  /** Where perUnit comes from: measured on this machine, or an assumption. */
  basis: 'measured' | 'assumed';
  /** Units this limit alone asks for, unrounded (Infinity: one unit cannot carry even its own background). */
  units: number;
  /** Adding units does not raise this limit (classic pub/sub on a Redis Cluster). */
  scalesOut: boolean;
  /** Users of this campus's profile one unit carries (the costs are close to linear in users). */
  usersPerUnit: number;
}

export interface CapacityPlan {
  load: CampusLoad;
  peak: { msgsPerSec: number; deliveriesPerSec: number; connections: number; msgsPerRoomPerSec: number };
  limits: Limit[];
  /** Units per part: the largest of that part's limits, rounded up (at least 1). */
  units: Record<Part, number>;
  demand: Demand;
  /**
   * The limit reached first as the campus grows on one Redis and one MongoDB: the shared
   * store asking for the most units (gateways and workers are stateless and scale by adding
   * pods), unless some limit cannot be met at all by adding units.
   */
  firstCeiling: Limit;
  /** Warnings about the plan (a room hotter than one shard, classic pub/sub past one instance). */
  notes: string[];
}

/** Pods for a per-load cost on units that also carry a fixed background each. */
function unitsFor(loadCores: number, unitCores: number, backgroundPerUnit: number): number {
  const free = unitCores - backgroundPerUnit;
  return free <= 0 ? Number.POSITIVE_INFINITY : loadCores / free;
}

/** The plan for a campus: pods and shards per part, and which limit comes first. */
export function planCapacity(load: CampusLoad, costs: CapacityCosts, budgets: Budgets = DEFAULT_BUDGETS): CapacityPlan {
  const u = budgets.targetUtilization;
  const m = costs.perMessage;
  const b = costs.background;
  const connections = load.users * load.onlineFraction * load.socketsPerUser;
  const msgsPerSec = ((load.users * load.msgsPerUserHour) / 3600) * load.peakFactor;
  const deliveriesPerMessage = Math.max(1, load.membersPerRoom * load.onlineFraction * load.socketsPerUser);
  const deliveriesPerSec = msgsPerSec * deliveriesPerMessage;

  const gatewayCpu = unitsFor(deliveriesPerSec * m.gatewayCpuSecondsPerDelivery, budgets.gatewayPodCores * u, b.gatewayCoresPerPod);
  const bytesPerConnection = costs.bytesPerIdleConnection ?? budgets.fallbackBytesPerIdleConnection;
  const gatewayMemory = (connections * bytesPerConnection) / (budgets.gatewayPodMemoryBytes * u);
  const gatewayPods = Math.max(1, Math.ceil(Math.max(gatewayCpu, gatewayMemory)));
  const workerCpu = unitsFor(msgsPerSec * m.workerCpuSeconds, budgets.workerPodCores * u, b.workerCoresPerPod);
  const workerPods = Math.max(1, Math.ceil(workerCpu));
  const demand = demandAt(costs, { msgsPerSec, deliveriesPerSec, connections, gatewayPods, workerPods });

  // Classic: each broadcast goes to every gateway. Sharded: to the gateways holding one of the
  // room's online sockets, at most one per socket.
  const gatewaysPerRoom = load.adapter === 'classic' ? gatewayPods : Math.min(gatewayPods, deliveriesPerMessage);
  const pubsubDeliveries = msgsPerSec * gatewaysPerRoom;

  const limits: Limit[] = [
    limit('gateway', 'CPU', demand.gatewayCores, 'cores', budgets.gatewayPodCores * u, 'measured', gatewayCpu),
    limit(
      'gateway',
      'memory (idle connections)',
      (connections * bytesPerConnection) / 1024 ** 3,
      'GiB',
      (budgets.gatewayPodMemoryBytes * u) / 1024 ** 3,
      costs.bytesPerIdleConnection === undefined ? 'assumed' : 'measured',
      gatewayMemory,
    ),
    limit('worker', 'CPU', demand.workerCores, 'cores', budgets.workerPodCores * u, 'measured', workerCpu),
    limit('redis', 'commands/s', demand.redisCommandsPerSec, 'commands/s', budgets.redisCommandsPerShard * u, 'assumed'),
    limit('redis', 'CPU (one core per shard)', demand.redisCores, 'cores', u, 'measured'),
    {
      ...limit(
        'redis',
        `pub/sub deliveries/s (${load.adapter} adapter)`,
        pubsubDeliveries,
        'deliveries/s',
        budgets.redisPubsubDeliveriesPerInstance * u,
        'assumed',
      ),
      scalesOut: load.adapter === 'sharded',
    },
    limit('mongodb', 'writes/s', demand.storeWritesPerSec, 'writes/s', budgets.mongoWritesPerShard * u, 'assumed'),
    limit('mongodb', 'reads/s', demand.storeReadsPerSec, 'reads/s', budgets.mongoReadsPerShard * u, 'assumed'),
  ];
  const units = { gateway: gatewayPods, worker: workerPods, redis: 1, mongodb: 1 } as Record<Part, number>;
  for (const l of limits) if (l.scalesOut) units[l.part] = Math.max(units[l.part], Math.ceil(l.units));
  for (const l of limits) l.usersPerUnit = l.units > 0 ? load.users / l.units : Number.POSITIVE_INFINITY;
  const hard = limits.find((l) => l.units === Number.POSITIVE_INFINITY || (!l.scalesOut && l.units > 1));
  const shared = limits.filter((l) => l.part === 'redis' || l.part === 'mongodb');
  const firstCeiling = hard ?? shared.reduce((worst, l) => (l.units > worst.units ? l : worst));

  const notes: string[] = [];
  const msgsPerRoomPerSec = msgsPerSec / load.rooms;
  if (units.mongodb > load.rooms)
    notes.push(`${units.mongodb} MongoDB shards for ${load.rooms} rooms: a room lives on one shard, so some shards stay empty`);
  const roomWrites = msgsPerRoomPerSec * m.storeWrites;
  if (roomWrites > budgets.mongoWritesPerShard * u)
    notes.push(`one room averages ${round(roomWrites)} writes/s, more than one shard carries: sharding by roomId cannot split it`);
  if (load.adapter === 'classic' && pubsubDeliveries > budgets.redisPubsubDeliveriesPerInstance * u)
    notes.push(
      'classic pub/sub past one Redis instance: more shards do not help (every node forwards every message); use REDIS_ADAPTER=sharded',
    );
  return {
    load,
    peak: { msgsPerSec, deliveriesPerSec, connections, msgsPerRoomPerSec },
    limits,
    units,
    demand,
    firstCeiling,
    notes,
  };
}

function limit(
  part: Part,
  resource: string,
  demand: number,
  demandUnit: string,
  perUnit: number,
  basis: Limit['basis'],
  units?: number,
): Limit {
  return { part, resource, demand, demandUnit, perUnit, basis, units: units ?? demand / perUnit, scalesOut: true, usersPerUnit: 0 };
}

function round(value: number): number {
  return value >= 100 ? Math.round(value) : Number(value.toPrecision(3));
}
