import { loadavg } from 'node:os';
import { GatewayEnvSchema } from '@campzone/config';
import { type MongoWireServer, type RedisServer, startMongoWire, startRedisServer, uniqueNamespace } from '@campzone/testkit';
import { secretTokenSource } from '../auth/token-source';
import { BareCluster } from '../bare/bare-cluster';
import { StoreProbe } from '../chaos/store-probe';
import { parseCommandArgs } from '../cli/command-args';
import { LocalCluster } from '../cluster/local-cluster';
import { CpuSampler } from '../cluster/process-stats';
import { DEFAULT_TUNING } from '../load/client-tuning';
import { withTimeout } from '../load/concurrency';
import { LoadRun } from '../load/load-run';
import { newRunId } from '../load/room-plan';
import { type Breakdown, formatBench, summarize, type TargetResult } from './bench-report';
import { type IdleMemoryResult, measureIdleMemory } from './idle-memory';
import { measureInsertRate, measureSyncQuery } from './insert-rate';
import { searchMaxRate } from './rate-search';

// `npm run bench`: the cluster against the bare Socket.IO ceiling, in one run. A CLI: progress
// goes to stderr, the tables and JSON lines to stdout.

const JWT_SECRET = 'campzone-bench-secret-0123456789';
const WRITE_BATCH = GatewayEnvSchema.properties;

interface BenchOptions {
  rooms: number;
  members: number;
  senders: number;
  payloadBytes: number;
  growth: number;
  windowMs: number;
  maxSteps: number;
  memoryLevels: number[];
  budgetMs: number;
  noWorkerVariant: boolean;
}

/** Where each target's search starts: the bare server is 1-2 orders of magnitude faster. */
const START_RATE = { cluster: 100, 'cluster-no-worker': 100, bare: 400 } as const;

const USAGE = `Usage: npm run bench [-- --quick] [--skip-memory] [--no-variant] [--rooms N] [--members N] [--senders N]

Drives (a) a local cluster of 3 gateways + worker and (b) 3 bare Socket.IO + redis-adapter
processes with the same SDK clients, stepping the rate up until send-to-receive p99 passes
100 ms or delivery falls behind; then half of each maximum. Also: the cluster without its
worker (what the worker's MongoDB work costs; --no-variant skips it), RSS per idle socket at
5 000 and 10 000 connections on a fresh gateway and a fresh bare process, and the
MongoDB-wire server's own insert rate. Prints tables, one JSON line per target and a summary
JSON line. 5-7 minutes (--quick: about 3).`;

export async function runBenchCli(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    argv,
    {
      quick: { type: 'boolean' },
      'skip-memory': { type: 'boolean' },
      'no-variant': { type: 'boolean' },
      rooms: { type: 'string' },
      members: { type: 'string' },
      senders: { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const quick = values.quick === true;
  const options: BenchOptions = {
    rooms: Number(values.rooms ?? 10),
    members: Number(values.members ?? 10),
    senders: Number(values.senders ?? 2),
    payloadBytes: 100,
    growth: quick ? 1.6 : 1.45,
    windowMs: quick ? 3000 : 5000,
    maxSteps: quick ? 6 : 12,
    memoryLevels: values['skip-memory'] ? [] : quick ? [1000, 2000] : [5000, 10_000],
    budgetMs: quick ? 40_000 : 90_000,
    noWorkerVariant: values['no-variant'] !== true,
  };
  const log = (line: string) => console.error(`[bench] ${line}`);
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const startedLoad = loadavg()[0] ?? 0;
  log(`machine load average at start: ${startedLoad.toFixed(2)} (2 cores; anything else running skews every figure)`);

  log('starting redis-server and the MongoDB-wire server');
  const redis = await startRedisServer();
  const mongo = await startMongoWire({ log: (l) => log(`mongo: ${l}`) });
  const services = { redisUrl: redis.url, mongoUrl: mongo.url };
  const infra = () => ({ redis: redis.process.pid, [mongo.kind]: mongo.process.pid, loadgen: process.pid });
  try {
    const cluster = await benchCluster('cluster', true, services, options, infra, log);
    const variant = options.noWorkerVariant ? await benchCluster('cluster-no-worker', false, services, options, infra, log) : undefined;
    const bare = await benchBare(redis, options, infra, log);
    const breakdown = await benchBreakdown(quick, log);
    const layout = {
      rooms: options.rooms,
      membersPerRoom: options.members,
      sendersPerRoom: options.senders,
      payloadBytes: options.payloadBytes,
    };
    const summary = summarize(cluster, bare, breakdown, layout, command, variant, {
      loadAverageAtStart: startedLoad,
      loadAverageAtEnd: loadavg()[0] ?? 0,
    });
    console.log(formatBench(summary, cluster, bare, variant));
    for (const target of [cluster, variant, bare]) if (target) console.log(JSON.stringify({ tool: 'campzone-bench-target', ...target }));
    console.log(JSON.stringify(summary));
    return summary.targets.correctness ? 0 : 1;
  } finally {
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  }
}

type Services = { redisUrl: string; mongoUrl: string };

async function benchCluster(
  name: 'cluster' | 'cluster-no-worker',
  worker: boolean,
  services: Services,
  options: BenchOptions,
  infra: () => Record<string, number>,
  log: (line: string) => void,
): Promise<TargetResult> {
  let memory: IdleMemoryResult | undefined;
  if (worker && options.memoryLevels.length > 0) {
    // A fresh gateway in its own database: no load history in its heap, and no dependence on
    // the load run's database (FerretDB can wedge one database under concurrent bulk updates).
    log(`${name}: idle-connection memory on a fresh gateway`);
    const single = await LocalCluster.start({
      gateways: 1,
      services,
      namespace: uniqueNamespace('bench-mem'),
      jwtSecret: JWT_SECRET,
      worker: false,
      log,
    });
    try {
      const gw = single.gateway(0);
      memory = await idleMemory(name, gw.url, gw.proc.pid, options, log);
    } finally {
      await single.stop();
    }
  }
  log(`${name}: 3 gateways${worker ? ' + worker' : ', no worker'}`);
  const namespace = uniqueNamespace(`bench-${name}`);
  const cluster = await LocalCluster.start({ gateways: 3, services, namespace, jwtSecret: JWT_SECRET, worker, log });
  try {
    const result = await driveTarget(
      name,
      cluster.urls,
      () => ({ ...cluster.pids(), ...infra() }),
      options,
      log,
      () => storeAnswers(services.mongoUrl, namespace.db),
    );
    result.memory = memory;
    result.storeAnswering = await storeAnswers(services.mongoUrl, namespace.db);
    if (!result.storeAnswering) log(`${name}: the MongoDB-wire server no longer answers queries on this run's database (wedged)`);
    await cluster.stop();
    const fresh = await LocalCluster.start({
      gateways: 3,
      services,
      namespace: uniqueNamespace(`bench-${name}-half`),
      jwtSecret: JWT_SECRET,
      worker,
      log,
    });
    try {
      Object.assign(result, await halfRate(name, fresh.urls, result.maxAcceptedPerSec, options, log));
    } finally {
      await fresh.stop();
    }
    return result;
  } finally {
    await cluster.stop();
  }
}

async function benchBare(
  redis: RedisServer,
  options: BenchOptions,
  infra: () => Record<string, number>,
  log: (line: string) => void,
): Promise<TargetResult> {
  log('bare: 3 Socket.IO + redis-adapter processes (+1 fresh one for memory)');
  const bare = await BareCluster.start({
    processes: 4,
    redisUrl: redis.url,
    prefix: uniqueNamespace('bench-bare').prefix,
    jwtSecret: JWT_SECRET,
  });
  try {
    const memoryNode = bare.nodes[3]!;
    const memory =
      options.memoryLevels.length > 0 ? await idleMemory('bare', memoryNode.url, memoryNode.proc.pid, options, log) : undefined;
    const result = await driveTarget(
      'bare',
      bare.urls.slice(0, 3),
      () => {
        const pids = bare.pids();
        delete pids['bare-4'];
        return { ...pids, ...infra() };
      },
      options,
      log,
    );
    result.memory = memory;
    Object.assign(result, await halfRate('bare', bare.urls.slice(0, 3), result.maxAcceptedPerSec, options, log));
    return result;
  } finally {
    await bare.stop();
  }
}

function idleMemory(
  target: string,
  url: string,
  pid: number,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<IdleMemoryResult> {
  return measureIdleMemory({
    url,
    pid,
    levels: options.memoryLevels,
    jwtSecret: JWT_SECRET,
    userPrefix: `idle${newRunId()}`,
    // Ten sockets per user (tabs, devices): a user's first socket costs the gateway a MongoDB
    // upsert, which FerretDB turns into a scan of the users collection, 10 000 times over.
    socketsPerUser: 10,
    log: (line) => log(`${target}: ${line}`),
  });
}

/**
 * Half of the maximum, on a fresh load run (and, for the cluster, a fresh cluster and
 * database): the search's last step overloaded the target on purpose, and on FerretDB an
 * overload can leave the database wedged, which would be measured instead of the target.
 */
async function halfRate(
  target: TargetResult['target'],
  urls: string[],
  max: number,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<Pick<TargetResult, 'half' | 'halfFinal'>> {
  if (max <= 0) return { half: undefined, halfFinal: undefined };
  const say = (line: string) => log(`${target}: ${line}`);
  const run = await startRun(urls, options, say);
  try {
    const rate = Math.max(1, Math.round(max / 2));
    say(`half of the maximum, on a fresh run: ${rate}/s`);
    const half = await run.drive({ rate, durationMs: options.windowMs * 2, rampUpMs: 1000 });
    const halfFinal = await run.finish(target === 'bare' ? 5_000 : 60_000);
    say(
      `half: accepted ${half.acceptedPerSec}/s, recv p50/p99 ${half.sendToReceive.p50}/${half.sendToReceive.p99} ms; ` +
        `lost ${halfFinal.correctness.lost}, duplicated ${halfFinal.correctness.duplicated}, misordered ${halfFinal.correctness.misordered}`,
    );
    return { half, halfFinal };
  } finally {
    await run.close();
  }
}

function startRun(urls: string[], options: BenchOptions, say: (line: string) => void): Promise<LoadRun> {
  return LoadRun.start(
    {
      urls,
      runId: newRunId(),
      rooms: options.rooms,
      membersPerRoom: options.members,
      sendersPerRoom: options.senders,
      payloadBytes: options.payloadBytes,
      tokens: secretTokenSource(JWT_SECRET),
      tuning: DEFAULT_TUNING,
      connectConcurrency: 50,
      connectTimeoutMs: 30_000,
    },
    say,
  );
}

async function driveTarget(
  target: TargetResult['target'],
  urls: string[],
  pids: () => Record<string, number>,
  options: BenchOptions,
  log: (line: string) => void,
  storeAnswering: () => Promise<boolean> = async () => true,
): Promise<TargetResult> {
  const say = (line: string) => log(`${target}: ${line}`);
  const run = await startRun(urls, options, say);
  try {
    const search = await searchMaxRate(run, {
      startRate: START_RATE[target],
      growth: options.growth,
      maxSteps: options.maxSteps,
      windowMs: options.windowMs,
      rampMs: 1000,
      p99LimitMs: 100,
      deadline: Date.now() + options.budgetMs,
      cpu: new CpuSampler(pids),
      log: say,
    });
    const max = search.best?.acceptedPerSec ?? 0;
    // The bare server keeps nothing, so a final sync there can only confirm what was shown live;
    // a wedged store answers no sync, so waiting for one would only spend the time budget.
    const final = await run.finish(target === 'bare' || !(await storeAnswering()) ? 5_000 : 60_000);
    say(
      `final check: lost ${final.correctness.lost}, duplicated ${final.correctness.duplicated}, misordered ${final.correctness.misordered}, ` +
        `order mismatches ${final.correctness.orderMismatchRooms}, seq conflicts ${final.correctness.seqConflicts}, unacknowledged ${final.unacknowledged}`,
    );
    return { target, urls, maxAcceptedPerSec: max, best: search.best, steps: search.steps, half: undefined, final, memory: undefined };
  } finally {
    await run.close();
  }
}

/** Whether the server still answers a query on `db` within 10 s. */
async function storeAnswers(mongoUrl: string, db: string): Promise<boolean> {
  const probe = await StoreProbe.open(mongoUrl, db);
  try {
    await withTimeout(probe.countInRoom('probe'), 5_000, 'a query');
    return true;
  } catch {
    return false;
  } finally {
    void probe.close().catch(() => undefined);
  }
}

/** The store alone, on a fresh server of its own (nothing the load runs left behind can slow or wedge it). */
async function benchBreakdown(quick: boolean, log: (line: string) => void): Promise<Breakdown> {
  log("breakdown: a fresh MongoDB-wire server alone, through the gateway's MessageWriter");
  let mongo: MongoWireServer | undefined;
  const breakdown: Breakdown = { insert: [], sync: undefined, mongoKind: 'unknown' };
  try {
    mongo = await startMongoWire();
    breakdown.mongoKind = mongo.kind;
    const db = uniqueNamespace('bench-insert').db;
    for (const concurrency of [1, 16, 64, 256]) {
      const result = await withTimeout(
        measureInsertRate({
          mongoUrl: mongo.url,
          db,
          concurrency,
          // The gateway's own defaults, so the breakdown measures the batching the cluster uses.
          maxBatch: WRITE_BATCH.WRITE_BATCH_MAX.default,
          windowMs: WRITE_BATCH.WRITE_BATCH_WINDOW_MS.default,
          maxInFlight: WRITE_BATCH.WRITE_BATCH_CONCURRENCY.default,
          durationMs: quick ? 2000 : 4000,
        }),
        60_000,
        `inserts with ${concurrency} waiting`,
      );
      breakdown.insert.push(result);
      log(`breakdown: ${concurrency} writes waiting: ${result.docsPerSec} docs/s, mean batch ${result.meanBatch}`);
    }
    breakdown.sync = await withTimeout(measureSyncQuery({ mongoUrl: mongo.url, db }), 60_000, 'a sync-shaped query');
    log(`breakdown: one sync-shaped query over ${breakdown.sync.docs} messages: ${breakdown.sync.ms} ms`);
  } catch (err) {
    log(`breakdown incomplete: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await mongo?.stop();
  }
  return breakdown;
}
