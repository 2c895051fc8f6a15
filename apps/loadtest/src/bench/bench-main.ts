import { relative, resolve } from 'node:path';
import { GatewayEnvSchema } from '@campzone/config';
import { startRedisServer, uniqueNamespace } from '@campzone/testkit';
import { parseCommandArgs } from '../cli/command-args';
import { type OwnedStore, STORE_USAGE, type StoreKind, startOwnedStore, storeProblem } from '../cli/store-choice';
import { repoRoot } from '../cluster/repo-paths';
import { withTimeout } from '../load/concurrency';
import { writeBenchCharts } from './bench-charts';
import { describeComparison } from './bench-compare';
import { readPublishedFigures, writeBenchDocs } from './bench-docs';
import { poolRuns, readSavedRun, savedRunLines, writeSavedRun } from './bench-pool';
import {
  type BenchSummary,
  type Breakdown,
  formatBench,
  markdownReport,
  summarize,
  type TargetName,
  type TargetResult,
} from './bench-report';
import { type BenchContext, type BenchOptions, benchBare, benchCluster, settleStore } from './bench-targets';
import { capacityCosts, writeCapacityCosts } from './capacity-costs';
import { benchCentrifugo } from './centrifugo-target';
import { measureInsertRate, measureSyncQuery } from './insert-rate';
import { currentLoad, probeMachine } from './machine-probe';

// `npm run bench`: the cluster against bare Socket.IO and Centrifugo, interleaved. A CLI:
// progress goes to stderr, the tables and JSON lines to stdout, charts and figures to docs/.

const WRITE_BATCH = GatewayEnvSchema.properties;
const ALL_TARGETS: TargetName[] = ['cluster', 'cluster-no-worker', 'bare', 'centrifugo'];
const DEFAULT_TARGETS: TargetName[] = ['cluster', 'bare', 'centrifugo'];

const USAGE = `Usage: npm run bench [-- options]

Runs each target --runs times, interleaved (cluster, bare, centrifugo, cluster, ...), so drift
of a shared machine hits all of them alike, and reports each figure's median and range:
  cluster     3 gateways + worker on Redis and a MongoDB-wire store
  bare        3 bare Socket.IO + redis-adapter processes, the same SDK clients
  centrifugo  Centrifugo v6.9.1 on Redis, history + recovery on (installed with Go on first use)
Each: the rate is stepped up until send-to-receive p99 passes 100 ms or delivery falls behind;
then half of the maximum on a fresh run; RSS per idle connection on a fresh process; CPU per
1,000 deliveries at the cluster's half rate; per step, each process's event-loop delay, GC, and
the store and Redis latency by command. Writes docs/bench-latency.svg, docs/bench-memory.svg
and the figures section of docs/benchmarks.md; with --cost-rate, also the per-message cost profile
the capacity model plans with (docs/capacity-costs.json, see docs/capacity.md). Prints where each
median falls against the figures docs/benchmarks.md publishes (inside, below or above their
range). About 25-30 minutes on a quiet 2-core machine.

  --runs N            rounds (default 3; --quick: 1)
  --targets a,b       of ${ALL_TARGETS.join(', ')} (default ${DEFAULT_TARGETS.join(',')})
  ${STORE_USAGE}
  --quick             shorter steps, smaller memory levels
  --window-ms N       measured window per step (default 5000; --quick 3000)
  --warm-up-ms N      unmeasured load before each half-rate and cost phase, at its rate
                      (default 20000; --quick 10000)
  --max-steps N       steps per search (default 10; --quick 6)
  --budget-ms N       time per search (default 80000; --quick 50000)
  --start-rate N      msgs/s every search starts at (default: cluster 100, bare 400,
                      centrifugo 200; lower it on a loaded machine)
  --cost-rate N       the cluster's half-rate run at N msgs/s instead of half the maximum, and
                      its costs written to capacity-costs.json (the capacity model's profile)
  --skip-memory       no idle-connection memory
  --skip-store-alone  no insert/sync breakdown of the store alone
  --out-dir DIR       where charts and figures go (default docs/ of the checkout)
  --no-write          print only; write no files
  --costs-only        with --cost-rate: write only capacity-costs.json (charts, benchmarks.md left)
  --pool F1,F2,...    run nothing: pool the rounds of saved runs (docs/bench-runs/*.jsonl, which
                      every writing run adds, or a run's saved stdout) into one report, each
                      figure's median and range over every round of every run; then print and
                      write as a run would (with --no-write or --out-dir only)
  --rooms N --members N --senders N   the load's shape (default 10 x 10, 2 senders per room)`;

export async function runBenchCli(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    argv,
    {
      quick: { type: 'boolean' },
      runs: { type: 'string' },
      targets: { type: 'string' },
      store: { type: 'string' },
      'postgres-url': { type: 'string' },
      'window-ms': { type: 'string' },
      'warm-up-ms': { type: 'string' },
      'max-steps': { type: 'string' },
      'budget-ms': { type: 'string' },
      'skip-memory': { type: 'boolean' },
      'skip-store-alone': { type: 'boolean' },
      'out-dir': { type: 'string' },
      'no-write': { type: 'boolean' },
      'costs-only': { type: 'boolean' },
      'start-rate': { type: 'string' },
      'cost-rate': { type: 'string' },
      rooms: { type: 'string' },
      members: { type: 'string' },
      senders: { type: 'string' },
      pool: { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const quick = values.quick === true;
  const problems: string[] = [];
  const count = (name: string, raw: string | undefined, fallback: number, min = 1): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) problems.push(`--${name} must be an integer >= ${min} (got ${raw})`);
    return n;
  };
  const targets = (values.targets?.split(',').map((t) => t.trim()) ?? DEFAULT_TARGETS) as TargetName[];
  for (const t of targets) if (!ALL_TARGETS.includes(t)) problems.push(`--targets: unknown target ${t} (known: ${ALL_TARGETS.join(', ')})`);
  const store = (values.store ?? 'sqlite') as StoreKind;
  const badStore = storeProblem(store);
  if (badStore) problems.push(badStore);
  const options: BenchOptions = {
    rooms: count('rooms', values.rooms, 10),
    members: count('members', values.members, 10, 2),
    senders: count('senders', values.senders, 2),
    payloadBytes: 100,
    growth: quick ? 1.6 : 1.45,
    windowMs: count('window-ms', values['window-ms'], quick ? 3000 : 5000, 500),
    warmUpMs: count('warm-up-ms', values['warm-up-ms'], quick ? 10_000 : 20_000, 1000),
    maxSteps: count('max-steps', values['max-steps'], quick ? 6 : 10),
    memoryLevels: values['skip-memory'] ? [] : quick ? [1000, 2000] : [5000, 10_000],
    budgetMs: count('budget-ms', values['budget-ms'], quick ? 50_000 : 80_000, 1000),
    startRate: values['start-rate'] === undefined ? undefined : count('start-rate', values['start-rate'], 1),
    costRate: values['cost-rate'] === undefined ? undefined : count('cost-rate', values['cost-rate'], 1),
  };
  const runs = count('runs', values.runs, quick ? 1 : 3);
  const pooled = values.pool?.split(',').filter(Boolean);
  if (pooled) {
    const others = Object.keys(values).filter((k) => !['pool', 'no-write', 'out-dir'].includes(k));
    if (others.length) problems.push(`--pool runs no load: it takes only --no-write and --out-dir (got --${others.join(', --')})`);
    if (pooled.length === 0) problems.push('--pool needs one or more files, comma-separated');
  }
  if (problems.length) {
    console.error(`${problems.join('\n')}\n\n${USAGE}`);
    return 2;
  }
  const outDir = values['no-write'] ? undefined : resolve(values['out-dir'] ?? resolve(repoRoot(), 'docs'));
  const log = (line: string) => console.error(`[bench] ${line}`);
  if (pooled) return poolSavedRuns(pooled, outDir, log);
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const machine = probeMachine();
  log(
    `${startedAt}: ${machine.cores} cores, ${machine.cpu}, calibration ${machine.calibrationMs} ms; ` +
      `load average ${machine.loadAverageAtStart.join(' / ')} (anything else running skews every figure)`,
  );

  let owned: OwnedStore | undefined;
  log('starting redis-server and the MongoDB-wire server');
  const redis = await startRedisServer();
  try {
    owned = await startOwnedStore(store, values['postgres-url'], log);
    const { mongo } = owned;
    const storePid = { [mongo.kind]: mongo.process.pid };
    const ctx: BenchContext = {
      options,
      services: { redisUrl: redis.url, mongoUrl: mongo.url },
      infra: () => ({ redis: redis.process.pid, loadgen: process.pid }),
      store: () => storePid,
      log,
    };
    const results: Partial<Record<TargetName, TargetResult[]>> = {};
    for (let round = 1; round <= runs; round++) {
      let clusterHalf: number | undefined;
      for (const target of ALL_TARGETS.filter((t) => targets.includes(t))) {
        log(`round ${round}/${runs}: ${target}`);
        const storeSettleBefore = await settleStore(`round ${round}/${runs}: ${target}`, ctx);
        const result =
          target === 'cluster' || target === 'cluster-no-worker'
            ? await benchCluster(target, ctx)
            : target === 'bare'
              ? await benchBare(ctx, clusterHalf)
              : await benchCentrifugo(ctx, clusterHalf);
        result.storeSettleBefore = storeSettleBefore;
        if (target === 'cluster') clusterHalf = result.half?.rate;
        results[target] = [...(results[target] ?? []), result];
      }
    }
    const breakdown = values['skip-store-alone'] ? undefined : await benchStoreAlone(quick, store, values['postgres-url'], log);
    const summary = summarize(
      results,
      {
        command,
        startedAt,
        layout: {
          rooms: options.rooms,
          membersPerRoom: options.members,
          sendersPerRoom: options.senders,
          payloadBytes: options.payloadBytes,
        },
        machine: { ...machine, loadAverageAtEnd: currentLoad() },
        store: `${mongo.kind}${mongo.kind === 'ferretdb' ? ` v1 on ${mongo.backend === 'pg' ? 'PostgreSQL' : 'SQLite'}` : ''}`,
        runs,
      },
      breakdown,
    );
    await printReport(summary, results);
    console.log(savedRunLines(summary, results).join('\n'));
    if (outDir) {
      const written = values['costs-only']
        ? []
        : [...(await writeFigures(summary, results, outDir)), await writeSavedRun(summary, results, outDir)];
      // The capacity model's input (npm run capacity), only from a run at a rate named on the command
      // line: costs per message fall steeply as the rate rises (batching), and a profile taken at
      // whatever half rate the machine allowed planned 2-25x too little at a campus's 3 msg/s.
      const costs = values['cost-rate'] === undefined ? undefined : capacityCosts(summary, results.cluster ?? []);
      if (costs) written.push(await writeCapacityCosts(costs, outDir));
      else log('docs/capacity-costs.json left as it was (written only with --cost-rate, and from a cluster round)');
      log(`wrote ${written.join(', ')}`);
    }
    return summary.verdict.correctness ? 0 : 1;
  } finally {
    await Promise.allSettled([redis.stop(), owned?.stop()]);
  }
}

/** The tables, the Markdown figures and where they fall against the published ones. */
async function printReport(summary: BenchSummary, results: Partial<Record<TargetName, TargetResult[]>>): Promise<void> {
  console.log(formatBench(summary, results));
  const figures = markdownReport(summary);
  console.log(`\n${figures}\n`);
  // Read before these figures replace them: the check a new user runs the bench for.
  const published = await readPublishedFigures(resolve(repoRoot(), 'docs'));
  if (published) console.log(`${describeComparison(published, figures)}\n`);
}

async function writeFigures(
  summary: BenchSummary,
  results: Partial<Record<TargetName, TargetResult[]>>,
  outDir: string,
): Promise<string[]> {
  return [...(await writeBenchCharts(summary, results, outDir)), ...(await writeBenchDocs(summary, outDir))];
}

/** `--pool`: the rounds of saved runs as one report, printed and written as a run's would be. */
async function poolSavedRuns(files: string[], outDir: string | undefined, log: (line: string) => void): Promise<number> {
  let pool: ReturnType<typeof poolRuns>;
  try {
    // npm runs the script from the checkout's root; the paths are the user's, from where they typed them.
    const from = process.env.INIT_CWD ?? process.cwd();
    const saved = files.map((f) => resolve(from, f));
    // Named from the checkout's root where they lie inside it, so the report's command runs as printed.
    const name = (file: string) => {
      const inside = relative(repoRoot(), file);
      return inside.startsWith('..') ? file : inside;
    };
    pool = poolRuns(await Promise.all(saved.map((file) => readSavedRun(file, name(file)))));
  } catch (err) {
    console.error(`--pool: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  await printReport(pool.summary, pool.results);
  if (outDir) log(`wrote ${(await writeFigures(pool.summary, pool.results, outDir)).join(', ')}`);
  return pool.summary.verdict.correctness ? 0 : 1;
}

/** The store alone, on a fresh server of its own (nothing the load runs left behind can slow or wedge it). */
async function benchStoreAlone(
  quick: boolean,
  store: StoreKind,
  postgresUrl: string | undefined,
  log: (line: string) => void,
): Promise<Breakdown> {
  log("store alone: a fresh MongoDB-wire server, through the gateway's MessageWriter");
  let owned: OwnedStore | undefined;
  const breakdown: Breakdown = { insert: [], sync: undefined, mongoKind: 'unknown' };
  try {
    owned = await startOwnedStore(store, postgresUrl, () => undefined);
    const { mongo } = owned;
    breakdown.mongoKind = `${mongo.kind}${mongo.kind === 'ferretdb' ? ` (${mongo.backend})` : ''}`;
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
          windowMinRate: WRITE_BATCH.WRITE_BATCH_WINDOW_MIN_RATE.default,
          maxInFlight: WRITE_BATCH.WRITE_BATCH_CONCURRENCY.default,
          durationMs: quick ? 2000 : 4000,
        }),
        60_000,
        `inserts with ${concurrency} waiting`,
      );
      breakdown.insert.push(result);
      log(`store alone: ${concurrency} writes waiting: ${result.docsPerSec} docs/s, mean batch ${result.meanBatch}`);
    }
    breakdown.sync = await withTimeout(measureSyncQuery({ mongoUrl: mongo.url, db }), 60_000, 'a sync-shaped query');
    log(`store alone: one sync-shaped query over ${breakdown.sync.docs} messages: ${breakdown.sync.ms} ms`);
  } catch (err) {
    log(`store alone incomplete: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await owned?.stop();
  }
  return breakdown;
}
