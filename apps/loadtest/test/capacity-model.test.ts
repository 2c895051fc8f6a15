import { type CampusLoad, DEFAULT_BUDGETS, demandAt, planCapacity } from '../src/capacity/capacity-model';
import { costProblems } from '../src/capacity/cost-profile';
import { COSTS } from './capacity-fixture';

const CAMPUS: CampusLoad = {
  users: 36_000,
  rooms: 2000,
  membersPerRoom: 20,
  msgsPerUserHour: 10,
  onlineFraction: 0.5,
  peakFactor: 2,
  socketsPerUser: 1,
  adapter: 'sharded',
};

test('the demand is per-message and per-delivery costs times the rates plus the standing-still costs', () => {
  const d = demandAt(COSTS, { msgsPerSec: 100, deliveriesPerSec: 1000, connections: 1000, gatewayPods: 2, workerPods: 1 });
  expect(d.gatewayCores).toBeCloseTo(1000 * 0.0001 + 2 * 0.1);
  expect(d.workerCores).toBeCloseTo(100 * 0.001 + 0.1);
  expect(d.workerJobsPerSec).toBeCloseTo(200.5);
  expect(d.redisCommandsPerSec).toBeCloseTo(100 * 10 + 1000 * 0.1);
  expect(d.redisBytesPerSec).toBeCloseTo(500_000);
  expect(d.storeWritesPerSec).toBeCloseTo(201);
  expect(d.storeReadsPerSec).toBeCloseTo(102);
});

test('a campus plan: peak rates, units per part, and the shared store asking for the most units is the first ceiling', () => {
  const plan = planCapacity(CAMPUS, COSTS);
  // 36,000 users x 10/h = 100 msgs/s on average, x2 at the peak; 20 members x 50% online = 10 deliveries each.
  expect(plan.peak.msgsPerSec).toBeCloseTo(200);
  expect(plan.peak.deliveriesPerSec).toBeCloseTo(2000);
  expect(plan.peak.connections).toBe(18_000);
  const byResource = Object.fromEntries(plan.limits.map((l) => [`${l.part} ${l.resource}`, l.units]));
  // Gateway CPU: 2,000 x 100 µs = 0.2 cores over (0.6 - 0.1 background) per pod.
  expect(byResource['gateway CPU']).toBeCloseTo(0.4);
  // Memory: 18,000 x 20 kB over 60% of 1 GiB.
  expect(byResource['gateway memory (idle connections)']).toBeCloseTo((18_000 * 20_000) / (0.6 * 1024 ** 3));
  // MongoDB writes: 200 x 2 + 1 = 401/s over 3,000/s per shard.
  expect(byResource['mongodb writes/s']).toBeCloseTo(401 / 3000);
  // Redis: 200 x 10 + 18,000 x 0.1 = 3,800 commands/s over 60,000.
  expect(byResource['redis commands/s']).toBeCloseTo(3800 / 60_000);
  // Of the shared stores (gateways and workers scale by adding pods), MongoDB writes come first:
  // one shard carries 36,000 / (401 / 3,000) users of this profile.
  expect(plan.firstCeiling.part).toBe('mongodb');
  expect(plan.firstCeiling.resource).toBe('writes/s');
  expect(plan.firstCeiling.usersPerUnit).toBeCloseTo(36_000 / (401 / 3000));
  expect(plan.units).toEqual({ gateway: 1, worker: 1, redis: 1, mongodb: 1 });
});

test('a write-heavy campus asks for MongoDB shards; a command-heavy profile puts Redis first', () => {
  const plan = planCapacity({ ...CAMPUS, users: 500_000, msgsPerUserHour: 60, membersPerRoom: 4, rooms: 100_000 }, COSTS);
  // 500,000 x 60 / 3600 x 2 = 16,667 msgs/s -> 33,334 writes/s + 1 over 3,000 per shard.
  expect(plan.firstCeiling.part).toBe('mongodb');
  expect(plan.units.mongodb).toBe(Math.ceil(33_334.33 / 3000));
  // Worker CPU: 16.7 cores over 0.5 per pod; workers scale out, so they are not the ceiling.
  expect(plan.units.worker).toBe(34);
  const chatty = { ...COSTS, perMessage: { ...COSTS.perMessage, redisCommands: 200 } };
  const redisFirst = planCapacity(CAMPUS, chatty);
  expect(redisFirst.firstCeiling.part).toBe('redis');
  expect(redisFirst.firstCeiling.resource).toBe('commands/s');
});

test('classic pub/sub past one Redis instance does not scale out and is named', () => {
  const costs = { ...COSTS, perMessage: { ...COSTS.perMessage, gatewayCpuSecondsPerDelivery: 0.001 } };
  const plan = planCapacity({ ...CAMPUS, users: 2_000_000, rooms: 100_000, adapter: 'classic' }, costs);
  const pubsub = plan.limits.find((l) => l.resource.startsWith('pub/sub'));
  expect(pubsub?.scalesOut).toBe(false);
  expect(pubsub!.units).toBeGreaterThan(1);
  expect(plan.notes.join('\n')).toMatch(/REDIS_ADAPTER=sharded/);
  // Sharded: the same campus sends each broadcast to at most its room's online sockets' gateways.
  const sharded = planCapacity({ ...CAMPUS, users: 2_000_000, rooms: 100_000, adapter: 'sharded' }, costs);
  expect(sharded.limits.find((l) => l.resource.startsWith('pub/sub'))!.demand).toBeLessThan(pubsub!.demand);
});

test('a pod whose background alone exceeds its budget can never be enough', () => {
  const costs = { ...COSTS, background: { ...COSTS.background, gatewayCoresPerPod: DEFAULT_BUDGETS.gatewayPodCores } };
  const plan = planCapacity(CAMPUS, costs);
  expect(plan.limits[0]!.units).toBe(Number.POSITIVE_INFINITY);
  expect(plan.firstCeiling.resource).toBe('CPU');
});

test('a cost profile with a missing or negative figure is refused, naming the field', () => {
  expect(costProblems(COSTS)).toEqual([]);
  expect(costProblems([])).toContain('tool is not "campzone-capacity-costs"');
  const broken = { ...COSTS, perMessage: { ...COSTS.perMessage, storeWrites: -1 } } as unknown;
  expect(costProblems(broken)).toEqual(['perMessage.storeWrites must be a number >= 0']);
});
