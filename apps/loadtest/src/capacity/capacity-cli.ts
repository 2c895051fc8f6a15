import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommandArgs } from '../cli/command-args';
import { repoRoot } from '../cluster/repo-paths';
import { parseCheckSizes, runCapacityCheck } from './capacity-check';
import { type Budgets, type CampusLoad, type CapacityPlan, DEFAULT_BUDGETS, planCapacity } from './capacity-model';
import { type CapacityCosts, costProblems } from './cost-profile';

const USAGE = `Usage: npm run capacity -- --users N --rooms N [options]

Plans a campus from the per-message costs the bench measured on this machine
(docs/capacity-costs.json, written by npm run bench): gateway pods, worker pods, Redis shards
and MongoDB shards at the peak, and which limit is reached first. See docs/capacity.md.

  --users N               users on the campus (required)
  --rooms N               rooms (required)
  --members-per-room N    members of a typical room: the fan-out (default 25)
  --msgs-per-user-hour X  messages a user sends per hour in the busy hours (default 10)
  --online-fraction X     share of users connected at the peak, 0 < X <= 1 (default 0.3)
  --peak-factor X         peak rate over the average, >= 1 (default 3)
  --sockets-per-user X    sockets per online user, >= 1 (default 1)
  --adapter KIND          sharded (default) or classic Socket.IO Redis adapter
  --costs FILE            cost profile (default docs/capacity-costs.json)
  --json                  the plan as JSON
  --check                 instead of a plan: run the cluster here at two sizes and compare what
                          the model predicts with what is measured (about 2 minutes)
  --check-sizes S,S       ROOMSxMEMBERS@MSGS_PER_SEC per size (default 10x10@15,20x20@15)`;

/** The flags as numbers, or the problems with them (each names its flag). */
export function parseCampus(values: Record<string, string | boolean | undefined>): { load: CampusLoad } | { problems: string[] } {
  const problems: string[] = [];
  const num = (name: string, fallback: number | undefined, ok: (n: number) => boolean, rule: string): number => {
    const raw = values[name];
    if (raw === undefined) {
      if (fallback === undefined) problems.push(`--${name} is required`);
      return fallback ?? 0;
    }
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || !ok(n))
      problems.push(`--${name} must be ${rule} (got ${String(raw)})`);
    return n;
  };
  const int = (n: number) => Number.isInteger(n) && n >= 1;
  const load: CampusLoad = {
    users: num('users', undefined, int, 'an integer >= 1'),
    rooms: num('rooms', undefined, int, 'an integer >= 1'),
    membersPerRoom: num('members-per-room', 25, (n) => n >= 1, 'a number >= 1'),
    msgsPerUserHour: num('msgs-per-user-hour', 10, (n) => n >= 0, 'a number >= 0'),
    onlineFraction: num('online-fraction', 0.3, (n) => n > 0 && n <= 1, 'a number in (0, 1]'),
    peakFactor: num('peak-factor', 3, (n) => n >= 1, 'a number >= 1'),
    socketsPerUser: num('sockets-per-user', 1, (n) => n >= 1, 'a number >= 1'),
    adapter: 'sharded',
  };
  const adapter = values.adapter ?? 'sharded';
  if (adapter !== 'sharded' && adapter !== 'classic') problems.push(`--adapter must be sharded or classic (got ${String(adapter)})`);
  else load.adapter = adapter;
  if (problems.length === 0 && load.membersPerRoom > load.users)
    problems.push(`--members-per-room (${load.membersPerRoom}) cannot exceed --users (${load.users})`);
  return problems.length ? { problems } : { load };
}

/** Reads and checks a cost profile; answers it or what is wrong with it. */
export async function readCosts(path: string): Promise<CapacityCosts | string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return `cannot read the cost profile ${path}: ${err instanceof Error ? err.message : String(err)} (npm run bench writes it)`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `the cost profile ${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  const problems = costProblems(value);
  return problems.length ? `the cost profile ${path} is not usable: ${problems.join('; ')}` : (value as CapacityCosts);
}

export async function runCapacityCli(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    argv,
    {
      users: { type: 'string' },
      rooms: { type: 'string' },
      'members-per-room': { type: 'string' },
      'msgs-per-user-hour': { type: 'string' },
      'online-fraction': { type: 'string' },
      'peak-factor': { type: 'string' },
      'sockets-per-user': { type: 'string' },
      adapter: { type: 'string' },
      costs: { type: 'string' },
      json: { type: 'boolean' },
      check: { type: 'boolean' },
      'check-sizes': { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const costsPath = resolve(values.costs ?? resolve(repoRoot(), 'docs', 'capacity-costs.json'));
  if (values.check) {
    const sizes = parseCheckSizes(values['check-sizes'] ?? '10x10@15,20x20@15');
    if (!sizes) {
      console.error(
        `--check-sizes must be ROOMSxMEMBERS@RATE[,...] with members >= 2, like 10x10@2,20x20@3 (got ${values['check-sizes']})\n\n${USAGE}`,
      );
      return 2;
    }
    const costs = await readCosts(costsPath);
    if (typeof costs === 'string') {
      console.error(costs);
      return 2;
    }
    return runCapacityCheck(costs, sizes, values.json === true);
  }
  const parsed = parseCampus(values);
  if ('problems' in parsed) {
    console.error(`${parsed.problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }
  const costs = await readCosts(costsPath);
  if (typeof costs === 'string') {
    console.error(costs);
    return 2;
  }
  const plan = planCapacity(parsed.load, costs);
  console.log(
    values.json
      ? JSON.stringify({ tool: 'campzone-capacity', plan, budgets: DEFAULT_BUDGETS, costs: costsPath })
      : formatPlan(plan, costs, DEFAULT_BUDGETS),
  );
  return 0;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'never';
  const digits = value >= 100 ? 0 : value >= 1 ? 1 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

const PART_NAMES = { gateway: 'gateway pods', worker: 'worker pods', redis: 'Redis shards', mongodb: 'MongoDB shards' } as const;

/** The plan as the markdown table docs/capacity.md shows, with its load, result and assumptions. */
export function formatPlan(plan: CapacityPlan, costs: CapacityCosts, budgets: Budgets): string {
  const { load, peak } = plan;
  const lines = [
    `Campus: ${fmt(load.users)} users, ${fmt(load.rooms)} rooms of ${fmt(load.membersPerRoom)} members, ${fmt(load.msgsPerUserHour)} msgs/user/hour, ` +
      `${fmt(load.onlineFraction * 100)}% online, peak x${fmt(load.peakFactor)}, ${fmt(load.socketsPerUser)} socket(s)/user, ${load.adapter} adapter`,
    `Peak: ${fmt(peak.msgsPerSec)} msgs/s, ${fmt(peak.deliveriesPerSec)} deliveries/s, ${fmt(peak.connections)} connections`,
    '',
    `| part | limit | demand at peak | one unit carries (at ${budgets.targetUtilization * 100}%) | basis | units |`,
    '|---|---|---|---|---|---|',
    ...plan.limits.map(
      (l) =>
        `| ${l.part} | ${l.resource} | ${fmt(l.demand)} ${l.demandUnit} | ${fmt(l.perUnit)} ${l.demandUnit} | ${l.basis} | ${fmt(l.units)}${l.scalesOut ? '' : ' (does not scale out)'} |`,
    ),
    '',
    `Needed: ${(Object.keys(PART_NAMES) as Array<keyof typeof PART_NAMES>).map((p) => `${plan.units[p]} ${PART_NAMES[p]}`).join(', ')}`,
    `First ceiling: ${plan.firstCeiling.part} ${plan.firstCeiling.resource}: one unit carries about ${fmt(plan.firstCeiling.usersPerUnit)} users of this profile ` +
      `(this campus: ${fmt(plan.firstCeiling.units)} units' worth)`,
    ...plan.notes.map((n) => `Note: ${n}`),
    '',
    `Costs: ${costs.measuredAt} (${costs.command}; load ${costs.machine.loadAverageAtStart.join('/')} on ${costs.machine.cores} cores${costs.machine.cpu ? ` (${costs.machine.cpu}, calibration ${costs.machine.calibrationMs} ms)` : ''}, store ${costs.store}): ` +
      `${fmt(costs.perMessage.gatewayCpuSecondsPerDelivery * 1e6)} µs gateway CPU/delivery, ${fmt(costs.perMessage.redisCommands)} Redis commands, ` +
      `${fmt(costs.perMessage.storeWrites)} store writes, ${fmt(costs.perMessage.storeReads)} reads, ${fmt(costs.perMessage.workerJobs)} worker jobs per message`,
    `Assumed: pods of ${budgets.gatewayPodCores} core / ${fmt(budgets.gatewayPodMemoryBytes / 1024 ** 3)} GiB; ${fmt(budgets.redisCommandsPerShard)} Redis commands/s and ` +
      `${fmt(budgets.redisPubsubDeliveriesPerInstance)} pub/sub deliveries/s per instance; MongoDB 7 shard ${fmt(budgets.mongoWritesPerShard)} writes/s, ` +
      `${fmt(budgets.mongoReadsPerShard)} reads/s (w: majority); every unit planned at ${budgets.targetUtilization * 100}% busy`,
  ];
  return lines.join('\n');
}
