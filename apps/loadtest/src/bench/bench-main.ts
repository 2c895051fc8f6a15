import { parseArgs } from 'node:util';
import { startMongoWire, startRedisServer, uniqueNamespace } from '@campzone/testkit';
import { secretTokenSource } from '../auth/token-source';
import { BareCluster } from '../bare/bare-cluster';
import { LocalCluster } from '../cluster/local-cluster';
import { CpuSampler } from '../cluster/process-stats';
import { DEFAULT_TUNING } from '../load/client-tuning';
import { LoadRun } from '../load/load-run';
import { newRunId } from '../load/room-plan';
import { type Breakdown, formatBench, summarize, type TargetResult } from './bench-report';
import { measureIdleMemory } from './idle-memory';
import { measureInsertRate, measureSyncQuery } from './insert-rate';
import { searchMaxRate } from './rate-search';

// `npm run bench`: the cluster against the bare Socket.IO ceiling, in one run. A CLI: progress
// goes to stderr, the tables and JSON lines to stdout.

const JWT_SECRET = 'campzone-bench-secret-0123456789';

interface BenchOptions {
  rooms: number;
  members: number;
  senders: number;
  payloadBytes: number;
  startRate: number;
  growth: number;
  windowMs: number;
  maxSteps: number;
  memoryLevels: number[];
  budgetMs: number;
}

const USAGE = `Usage: npm run bench [-- --quick] [--skip-memory] [--rooms N] [--members N] [--senders N]

Drives (a) a local cluster of 3 gateways + worker and (b) 3 bare Socket.IO + redis-adapter
processes with the same SDK clients, stepping the rate up until send-to-receive p99 passes
100 ms or delivery falls behind; then half the cluster's maximum, idle-connection memory at
5 000 and 10 000 sockets, and the MongoDB-wire server's own insert rate. Prints tables and one
JSON line per target plus a summary JSON line. About 8 minutes (--quick: about 2).`;

export async function runBenchCli(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        'skip-memory': { type: 'boolean' },
        rooms: { type: 'string' },
        members: { type: 'string' },
        senders: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const quick = values.quick === true;
  const options: BenchOptions = {
    rooms: Number(values.rooms ?? 10),
    members: Number(values.members ?? 10),
    senders: Number(values.senders ?? 2),
    payloadBytes: 100,
    startRate: quick ? 200 : 150,
    growth: quick ? 1.6 : 1.35,
    windowMs: quick ? 3000 : 5000,
    maxSteps: quick ? 5 : 12,
    memoryLevels: values['skip-memory'] ? [] : quick ? [1000, 2000] : [5000, 10_000],
    budgetMs: quick ? 60_000 : 150_000,
  };
  const log = (line: string) => console.error(`[bench] ${line}`);
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;

  log('starting redis-server and the MongoDB-wire server');
  const redis = await startRedisServer();
  const mongo = await startMongoWire({ log: (l) => log(`mongo: ${l}`) });
  const services = { redisUrl: redis.url, mongoUrl: mongo.url };
  const infra = () => ({ redis: redis.process.pid, [mongo.kind]: mongo.process.pid, loadgen: process.pid });
  try {
    const clusterNs = uniqueNamespace('bench-cluster');
    log('cluster: 3 gateways + worker');
    const cluster = await LocalCluster.start({
      gateways: 3,
      services,
      namespace: clusterNs,
      jwtSecret: JWT_SECRET,
      worker: 'if-built',
      log,
    });
    let clusterResult: TargetResult;
    try {
      clusterResult = await benchTarget(
        'cluster',
        cluster.urls,
        () => ({ ...cluster.pids(), ...infra() }),
        options,
        log,
        async () => {
          // A fresh fourth gateway, so the load run's heap does not blur the per-socket figure.
          const extra = await cluster.startGateway(3);
          return { url: extra.url, pid: extra.proc.pid };
        },
      );
    } finally {
      await cluster.stop();
    }

    log('bare: 3 Socket.IO + redis-adapter processes');
    const bareNs = uniqueNamespace('bench-bare');
    const bare = await BareCluster.start({ processes: 4, redisUrl: redis.url, prefix: bareNs.prefix, jwtSecret: JWT_SECRET });
    let bareResult: TargetResult;
    try {
      const loadUrls = bare.urls.slice(0, 3);
      const memoryNode = bare.nodes[3]!;
      bareResult = await benchTarget(
        'bare',
        loadUrls,
        () => {
          const pids = bare.pids();
          delete pids['bare-4'];
          return { ...pids, ...infra() };
        },
        options,
        log,
        async () => ({ url: memoryNode.url, pid: memoryNode.proc.pid }),
      );
    } finally {
      await bare.stop();
    }

    log('breakdown: the MongoDB-wire server alone');
    const breakdown: Breakdown = { insert: [], sync: undefined, mongoKind: mongo.kind };
    const insertDb = uniqueNamespace('bench-insert').db;
    for (const concurrency of [1, 64, 256]) {
      breakdown.insert.push(
        await measureInsertRate({
          mongoUrl: mongo.url,
          db: insertDb,
          concurrency,
          maxBatch: 256,
          windowMs: 2,
          durationMs: quick ? 2000 : 4000,
        }),
      );
    }
    breakdown.sync = await measureSyncQuery({ mongoUrl: mongo.url, db: clusterNs.db });

    const layout = {
      rooms: options.rooms,
      membersPerRoom: options.members,
      sendersPerRoom: options.senders,
      payloadBytes: options.payloadBytes,
    };
    const summary = summarize(clusterResult, bareResult, breakdown, layout, command);
    console.log(formatBench(summary, clusterResult, bareResult));
    console.log(JSON.stringify({ tool: 'campzone-bench-target', ...clusterResult }));
    console.log(JSON.stringify({ tool: 'campzone-bench-target', ...bareResult }));
    console.log(JSON.stringify(summary));
    return summary.targets.correctness ? 0 : 1;
  } finally {
    await Promise.allSettled([redis.stop(), mongo.stop()]);
  }
}

async function benchTarget(
  target: 'cluster' | 'bare',
  urls: string[],
  pids: () => Record<string, number>,
  options: BenchOptions,
  log: (line: string) => void,
  memoryServer: () => Promise<{ url: string; pid: number }>,
): Promise<TargetResult> {
  const say = (line: string) => log(`${target}: ${line}`);
  const run = await LoadRun.start(
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
  let result: TargetResult;
  try {
    const search = await searchMaxRate(run, {
      startRate: options.startRate,
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
    let half: TargetResult['half'];
    if (max > 0) {
      say(`half of the maximum: ${Math.round(max / 2)}/s`);
      half = await run.drive({ rate: Math.round(max / 2), durationMs: options.windowMs * 2, rampUpMs: 1000 });
      say(`half: recv p50/p99 ${half.sendToReceive.p50}/${half.sendToReceive.p99} ms`);
    }
    // The bare server keeps nothing, so a final sync there can only confirm what was shown live.
    const final = await run.finish(target === 'cluster' ? 60_000 : 5_000);
    say(
      `final check: lost ${final.correctness.lost}, duplicated ${final.correctness.duplicated}, misordered ${final.correctness.misordered}, ` +
        `order mismatches ${final.correctness.orderMismatchRooms}, seq conflicts ${final.correctness.seqConflicts}`,
    );
    result = { target, urls, maxAcceptedPerSec: max, best: search.best, steps: search.steps, half, final, memory: undefined };
  } finally {
    await run.close();
  }
  if (options.memoryLevels.length > 0) {
    const server = await memoryServer();
    say(`idle-connection memory on ${server.url}`);
    result.memory = await measureIdleMemory({
      url: server.url,
      pid: server.pid,
      levels: options.memoryLevels,
      jwtSecret: JWT_SECRET,
      userPrefix: `idle${newRunId()}`,
      socketsPerUser: 10,
      log: say,
    });
  }
  return result;
}
