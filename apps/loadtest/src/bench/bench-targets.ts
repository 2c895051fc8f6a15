import { uniqueNamespace } from '@campzone/testkit';
import { secretTokenSource } from '../auth/token-source';
import { BareCluster } from '../bare/bare-cluster';
import { StoreProbe } from '../chaos/store-probe';
import { LocalCluster } from '../cluster/local-cluster';
import { CpuSampler } from '../cluster/process-stats';
import { DEFAULT_TUNING } from '../load/client-tuning';
import { withTimeout } from '../load/concurrency';
import { LoadRun } from '../load/load-run';
import { newRunId } from '../load/room-plan';
import type { TargetName, TargetResult } from './bench-report';
import { type IdleMemoryResult, measureIdleMemory } from './idle-memory';
import { type BenchRun, measureIdle, measurePhase, type RateStep, searchMaxRate } from './rate-search';
import { RedisStatsProbe } from './redis-stats';
import { StepProbe } from './step-probe';
import { type SettleResult, STORE_SETTLE, waitForQuietStore } from './store-settle';

export const JWT_SECRET = 'campzone-bench-secret-0123456789';

export interface BenchOptions {
  rooms: number;
  members: number;
  senders: number;
  payloadBytes: number;
  growth: number;
  windowMs: number;
  /** Unmeasured load at a cost phase's own rate before it is measured (see halfRate). */
  warmUpMs: number;
  maxSteps: number;
  memoryLevels: number[];
  budgetMs: number;
  /** Where every search starts instead of its target's usual rate (a loaded machine). */
  startRate?: number | undefined;
  /** The cluster's half-rate run at this rate instead (costs measured where no step passed). */
  costRate?: number | undefined;
}

/** What every target of one round shares: the services and where to log. */
export interface BenchContext {
  options: BenchOptions;
  services: { redisUrl: string; mongoUrl: string };
  /** Process ids of Redis and of this process (the load generator), shared by every target. */
  infra: () => Record<string, number>;
  /** The MongoDB-wire store's process id: sampled only for the targets that use it. */
  store: () => Record<string, number>;
  log: (line: string) => void;
}

/** Where each target's search starts: the bare server is 1-2 orders of magnitude faster. */
const START_RATE: Record<TargetName, number> = { cluster: 100, 'cluster-no-worker': 100, bare: 400, centrifugo: 200 };

const P99_LIMIT_MS = 100;

/**
 * One round of the cluster (3 gateways, with or without the worker): idle memory on a fresh
 * gateway, the rate search, then half of the maximum on a fresh cluster and database.
 */
export async function benchCluster(name: 'cluster' | 'cluster-no-worker', ctx: BenchContext): Promise<TargetResult> {
  const { options, services, log } = ctx;
  const worker = name === 'cluster';
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
      // Idle sockets are opened as fast as the connectors can: the pod's connection admission
      // (a storm guard) would refuse most of them, and memory is what is measured here.
      env: { POD_CONNECT_RATE_PER_SEC: '0' },
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
  let result: TargetResult;
  try {
    const sampled = () => ({ ...cluster.pids(), ...ctx.infra(), ...ctx.store() });
    result = await driveTarget(
      name,
      cluster.urls,
      sdkRun(cluster.urls, options),
      sampled,
      () => cluster.metricsUrls(),
      ctx,
      () => storeAnswers(services.mongoUrl, namespace.db),
    );
    result.memory = memory;
    result.storeAnswering = await storeAnswers(services.mongoUrl, namespace.db);
    if (!result.storeAnswering) log(`${name}: the MongoDB-wire server no longer answers queries on this run's database (wedged)`);
  } finally {
    await cluster.stop();
  }
  result.storeSettle = await settleStore(`${name}: before the half-rate run`, ctx);
  const fresh = await LocalCluster.start({
    gateways: 3,
    services,
    namespace: uniqueNamespace(`bench-${name}-half`),
    jwtSecret: JWT_SECRET,
    worker,
    log,
  });
  try {
    const sampled = () => ({ ...fresh.pids(), ...ctx.infra(), ...ctx.store() });
    Object.assign(
      result,
      await halfRate(
        name,
        sdkRun(fresh.urls, options),
        // halfRate halves it: --cost-rate N measures at N.
        options.costRate !== undefined ? options.costRate * 2 : result.maxAcceptedPerSec,
        undefined,
        sampled,
        () => fresh.metricsUrls(),
        ctx,
        services.redisUrl,
      ),
    );
  } finally {
    await fresh.stop();
  }
  return result;
}

/**
 * One round of bare Socket.IO + redis-adapter (3 processes, a 4th fresh one for memory); its
 * half-rate run also drives the cluster's half rate (`sameRate`), so costs compare at one rate.
 */
export async function benchBare(ctx: BenchContext, sameRate: number | undefined): Promise<TargetResult> {
  const { options, services, log } = ctx;
  log('bare: 3 Socket.IO + redis-adapter processes (+1 fresh one for memory)');
  const bare = await BareCluster.start({
    processes: 4,
    redisUrl: services.redisUrl,
    prefix: uniqueNamespace('bench-bare').prefix,
    jwtSecret: JWT_SECRET,
  });
  try {
    const memoryNode = bare.nodes[3]!;
    const memory =
      options.memoryLevels.length > 0 ? await idleMemory('bare', memoryNode.url, memoryNode.proc.pid, options, log) : undefined;
    const sampled = () => {
      const pids = bare.pids();
      delete pids['bare-4'];
      return { ...pids, ...ctx.infra() };
    };
    const urls = bare.urls.slice(0, 3);
    const result = await driveTarget('bare', urls, sdkRun(urls, options), sampled, () => ({}), ctx);
    result.memory = memory;
    Object.assign(result, await halfRate('bare', sdkRun(urls, options), result.maxAcceptedPerSec, sameRate, sampled, () => ({}), ctx));
    return result;
  } finally {
    await bare.stop();
  }
}

export function idleMemory(
  target: string,
  url: string,
  pid: number,
  options: BenchOptions,
  log: (line: string) => void,
  protocol: 'socket.io' | 'centrifugo' = 'socket.io',
): Promise<IdleMemoryResult> {
  return measureIdleMemory({
    protocol,
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
 * With `sameRate`, a second phase at that rate measures cost where another target was measured.
 */
export async function halfRate(
  target: TargetName,
  open: (say: (line: string) => void) => Promise<BenchRun>,
  max: number,
  sameRate: number | undefined,
  pids: () => Record<string, number>,
  metrics: () => Record<string, string>,
  ctx: BenchContext,
  redisUrl?: string,
): Promise<Pick<TargetResult, 'half' | 'halfFinal' | 'sameRate' | 'idle'>> {
  if (max <= 0 && !(sameRate !== undefined && sameRate > 0)) return { half: undefined, halfFinal: undefined, sameRate: undefined };
  const say = (line: string) => ctx.log(`${target}: ${line}`);
  const run = await open(say);
  const redisStats = redisUrl ? await RedisStatsProbe.open(redisUrl) : undefined;
  const measure = { cpu: new CpuSampler(pids), probe: new StepProbe(metrics), redisStats, p99LimitMs: P99_LIMIT_MS };
  try {
    const idle = redisStats ? await measureIdle(ctx.options.windowMs, measure) : undefined;
    if (idle)
      say(`standing still with every client connected: ${idle.redisStats?.commands ?? 0} Redis commands in ${idle.seconds.toFixed(1)} s`);
    const halfOfMax = max > 0 ? Math.max(1, Math.round(max / 2)) : undefined;
    // Cost and latency at a rate are the steady state's, so every measured phase follows
    // `warmUpMs` of unmeasured load at its own rate, on every target alike. A fresh cluster
    // spends its first seconds compiling (JIT), loading scripts and filling caches: at 428 msg/s
    // its gateways' CPU per 5 s window read 4.50, 3.97, 3.23, then 2.55-3.01 from 15 s on, so
    // one 5 s warm-up left the measured window 29 % above the steady state, while bare and
    // Centrifugo came to this phase warm from their searches.
    const warmUp = (rate: number) => {
      say(`warming up for ${ctx.options.warmUpMs} ms at ${rate}/s (not measured)`);
      return run.drive({ rate, durationMs: ctx.options.warmUpMs, rampUpMs: 1000 });
    };
    let half: RateStep | undefined;
    if (halfOfMax !== undefined) {
      await warmUp(halfOfMax);
      say(`${ctx.options.costRate === undefined ? 'half of the maximum' : 'the --cost-rate'}, on a fresh run: ${halfOfMax}/s`);
      half = await measurePhase(run, { rate: halfOfMax, durationMs: ctx.options.windowMs * 2, rampUpMs: 1000 }, measure);
    }
    let same: RateStep | undefined;
    if (sameRate !== undefined && sameRate > 0) {
      await warmUp(sameRate);
      say(`the cluster's half rate, for cost per delivery at one rate: ${sameRate}/s`);
      same = await measurePhase(run, { rate: sameRate, durationMs: ctx.options.windowMs * 2, rampUpMs: 1000 }, measure);
    }
    const halfFinal = await run.finish(target === 'bare' || target === 'centrifugo' ? 5_000 : 60_000);
    const shown = half ?? same;
    say(
      `${half ? 'half' : 'same rate'}: accepted ${shown?.acceptedPerSec}/s, recv p50/p99 ${shown?.sendToReceive.p50}/${shown?.sendToReceive.p99} ms; ` +
        `lost ${halfFinal.correctness.lost}, duplicated ${halfFinal.correctness.duplicated}, misordered ${halfFinal.correctness.misordered}`,
    );
    return { half, halfFinal, sameRate: same, idle };
  } finally {
    await redisStats?.close();
    await run.close();
  }
}

/** Opens a fresh load run through our SDK on these URLs (the cluster's gateways or bare servers). */
function sdkRun(urls: string[], options: BenchOptions): (say: (line: string) => void) => Promise<BenchRun> {
  return (say) =>
    LoadRun.start(
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

export async function driveTarget(
  target: TargetName,
  urls: string[],
  open: (say: (line: string) => void) => Promise<BenchRun>,
  pids: () => Record<string, number>,
  metrics: () => Record<string, string>,
  ctx: BenchContext,
  storeAnswering: () => Promise<boolean> = async () => true,
): Promise<TargetResult> {
  const say = (line: string) => ctx.log(`${target}: ${line}`);
  const run = await open(say);
  try {
    const search = await searchMaxRate(run, {
      startRate: ctx.options.startRate ?? START_RATE[target],
      growth: ctx.options.growth,
      maxSteps: ctx.options.maxSteps,
      windowMs: ctx.options.windowMs,
      rampMs: 1000,
      p99LimitMs: P99_LIMIT_MS,
      deadline: Date.now() + ctx.options.budgetMs,
      cpu: new CpuSampler(pids),
      probe: new StepProbe(metrics),
      log: say,
    });
    const max = search.best?.acceptedPerSec ?? 0;
    // The bare server keeps nothing, so a final sync there can only confirm what was shown live;
    // a wedged store answers no sync, so waiting for one would only spend the time budget.
    const final = await run.finish(target === 'bare' || target === 'centrifugo' || !(await storeAnswering()) ? 5_000 : 60_000);
    say(
      `final check: lost ${final.correctness.lost}, duplicated ${final.correctness.duplicated}, misordered ${final.correctness.misordered}, ` +
        `order mismatches ${final.correctness.orderMismatchRooms}, seq conflicts ${final.correctness.seqConflicts}, unacknowledged ${final.unacknowledged}`,
    );
    return {
      target,
      urls,
      maxAcceptedPerSec: max,
      best: search.best,
      steps: search.steps,
      half: undefined,
      sameRate: undefined,
      final,
      memory: undefined,
    };
  } finally {
    await run.close();
  }
}

/** Waits for the MongoDB-wire server to work off what earlier phases left it (see waitForQuietStore). */
export async function settleStore(before: string, ctx: BenchContext): Promise<SettleResult> {
  const settled = await waitForQuietStore(ctx.store, STORE_SETTLE);
  const seconds = (settled.waitedMs / 1000).toFixed(0);
  if (!settled.quiet) ctx.log(`${before}: the MongoDB-wire server was still busy after ${seconds} s; measuring anyway`);
  else if (settled.waitedMs > 2 * STORE_SETTLE.sampleMs) ctx.log(`${before}: waited ${seconds} s for the MongoDB-wire server to go quiet`);
  return settled;
}

/** Whether the server still answers a query on `db` within 5 s. */
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
