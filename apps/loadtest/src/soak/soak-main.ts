import { provisionServices, uniqueNamespace } from '@campzone/testkit';
import { secretTokenSource } from '../auth/token-source';
import { parseCommandArgs } from '../cli/command-args';
import { type OwnedStore, STORE_USAGE, type StoreKind, startOwnedStore, storeProblem } from '../cli/store-choice';
import { LocalCluster } from '../cluster/local-cluster';
import { rssBytes } from '../cluster/process-stats';
import { DEFAULT_TUNING } from '../load/client-tuning';
import { LoadRun } from '../load/load-run';
import { newRunId } from '../load/room-plan';
import { textTable } from '../report/text-table';
import { Churn } from './churn';
import { type MemorySample, memoryTrend, type Trend } from './memory-trend';

const USAGE = `Usage: npm run soak -- [--minutes M] [--rate R] [--warmup-minutes W] [--sample-seconds S] [--store KIND]

Starts a local cluster (3 gateways and the worker) on testkit's services and runs a mixed load
for M minutes (default 30): R operations a second (default 5; 10 % of them edits and
reactions) across 6 rooms of 6 members, plus a user every 2 s who connects, joins, types,
sends, reads, leaves and disconnects. Every process's RSS and V8 heap are sampled every S
seconds (default 60); a line is fitted through the samples after the first W minutes
(default 5). Exit 1 if any process grows more than 10 % along it, or any message is lost,
duplicated or misordered. Prints a table and one JSON line.
${STORE_USAGE}
                      (without --store: testkit's MongoDB-wire server, MONGO_URL if set)`;

const SECRET = 'campzone-soak-secret-0123456789';
const GROWTH_LIMIT = 0.1;

export async function runSoakCli(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    argv,
    {
      minutes: { type: 'string' },
      rate: { type: 'string' },
      'warmup-minutes': { type: 'string' },
      'sample-seconds': { type: 'string' },
      store: { type: 'string' },
      'postgres-url': { type: 'string' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const minutes = Number(values.minutes ?? 30);
  // FerretDB (the default store here) scans whole collections, so its cost per query grows
  // with the run: 20 a second sustained for 30 minutes overloads it on 2 cores, and the soak
  // would measure an overloaded store, not the processes' memory.
  const rate = Number(values.rate ?? 5);
  const warmup = Number(values['warmup-minutes'] ?? Math.min(5, minutes / 6));
  const sampleMs = Number(values['sample-seconds'] ?? 60) * 1000;
  if (![minutes, rate, warmup, sampleMs].every((v) => Number.isFinite(v) && v >= 0) || minutes <= 0 || rate <= 0 || sampleMs <= 0) {
    console.error(`--minutes, --rate and --sample-seconds take positive numbers, --warmup-minutes zero or more\n\n${USAGE}`);
    return 2;
  }
  const badStore = values.store === undefined ? undefined : storeProblem(values.store);
  if (badStore) {
    console.error(`${badStore}\n\n${USAGE}`);
    return 2;
  }
  const log = (line: string) => console.error(`[soak] ${line}`);
  // FerretDB's SQLite backend stalls under this load within minutes (see docs/benchmarks.md);
  // --store pg measures the processes on a store that keeps up.
  const owned: OwnedStore | undefined = values.store
    ? await startOwnedStore(values.store as StoreKind, values['postgres-url'], log)
    : undefined;
  const services = await provisionServices({ log, ...(owned ? { env: { ...process.env, MONGO_URL: owned.mongo.url } } : {}) });
  const namespace = uniqueNamespace('soak');
  const cluster = await LocalCluster.start({ gateways: 3, services, namespace, jwtSecret: SECRET, worker: true, log });
  const runId = newRunId();
  const churn = new Churn(cluster.urls, SECRET, runId);
  let run: LoadRun | undefined;
  try {
    run = await LoadRun.start({
      urls: cluster.urls,
      runId,
      rooms: 6,
      membersPerRoom: 6,
      sendersPerRoom: 2,
      payloadBytes: 100,
      changeRatio: 0.1,
      tokens: secretTokenSource(SECRET),
      tuning: DEFAULT_TUNING,
      connectConcurrency: 20,
      connectTimeoutMs: 30_000,
    });
    await churn.start(2000);
    const samples = new Map<string, MemorySample[]>();
    const started = performance.now();
    const sample = async () => {
      const atMinutes = (performance.now() - started) / 60_000;
      const heaps = await heapsOf(cluster);
      for (const [name, pid] of Object.entries(cluster.pids())) {
        const rss = rssBytes(pid);
        if (rss === undefined) continue;
        const heap = heaps[name];
        const list = samples.get(name) ?? [];
        list.push({ atMinutes, rssBytes: rss, ...(heap === undefined ? {} : { heapUsedBytes: heap }) });
        samples.set(name, list);
      }
      // The load's own state beside memory: a store that fell behind shows here long before the end.
      const load = run
        ? ` | accepted ${run.meter.total.accepted}, failed ${run.meter.total.failed}, outstanding ${run.outstanding}, errors ${JSON.stringify(run.meter.errors)}`
        : '';
      log(`${atMinutes.toFixed(1)} min: ${[...samples].map(([n, s]) => `${n} ${mib(s.at(-1)!.rssBytes)}`).join(', ')}${load}`);
    };
    await sample();
    const sampler = setInterval(() => void sample(), sampleMs);
    await run.drive({ rate, durationMs: minutes * 60_000, rampUpMs: 2000 });
    clearInterval(sampler);
    await sample();
    await churn.stop();
    const final = await run.finish(60_000);

    const verdicts = [...samples].map(([name, list]) => {
      const rss = memoryTrend(list, (s) => s.rssBytes, warmup);
      const heap = memoryTrend(list, (s) => s.heapUsedBytes, warmup);
      return { name, first: list[0]!, last: list.at(-1)!, rss, heap, grew: [rss, heap].some((t) => (t?.growth ?? 0) > GROWTH_LIMIT) };
    });
    const c = final.correctness;
    const correct = c.lost === 0 && c.duplicated === 0 && c.misordered === 0 && c.orderMismatchRooms === 0;
    console.log(
      textTable(
        ['process', 'rss start', 'rss end', 'rss slope/h', 'rss growth', 'heap end', 'heap slope/h', 'heap growth'],
        verdicts.map((v) => [
          v.name,
          mib(v.first.rssBytes),
          mib(v.last.rssBytes),
          slope(v.rss),
          pct(v.rss),
          v.last.heapUsedBytes === undefined ? '-' : mib(v.last.heapUsedBytes),
          slope(v.heap),
          pct(v.heap),
        ]),
      ),
    );
    const passed = correct && verdicts.every((v) => !v.grew);
    console.log(
      JSON.stringify({
        tool: 'campzone-soak',
        minutes,
        rate,
        warmupMinutes: warmup,
        passed,
        accepted: run.meter.total.accepted,
        failed: run.meter.total.failed,
        errors: run.meter.errors,
        churn: churn.counts,
        correctness: c,
        processes: verdicts.map((v) => ({ name: v.name, rss: v.rss, heap: v.heap, samples: samples.get(v.name) })),
      }),
    );
    log(passed ? 'SOAK: PASS' : `SOAK: FAIL (${correct ? 'memory grew' : 'messages lost, duplicated or misordered'})`);
    return passed ? 0 : 1;
  } finally {
    await churn.stop().catch(() => undefined);
    await run?.close();
    await cluster.stop();
    await services.stop();
    await owned?.stop();
  }
}

/** V8 heap in use per process, from each one's /metrics (prom-client's default metrics). */
async function heapsOf(cluster: LocalCluster): Promise<Record<string, number>> {
  const targets = [...cluster.gateways.map((g) => [g.name, g.url] as const)];
  if (cluster.workerPort > 0) targets.push(['worker', `http://127.0.0.1:${cluster.workerPort}`] as const);
  const heaps: Record<string, number> = {};
  await Promise.all(
    targets.map(async ([name, url]) => {
      const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })
        .then((r) => r.text())
        .catch(() => '');
      const found = /^campzone_(?:gateway|worker)_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text);
      if (found) heaps[name] = Number(found[1]);
    }),
  );
  return heaps;
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function slope(t: Trend | undefined): string {
  return t ? `${(t.slopePerHour / 1048576).toFixed(2)} MiB` : '-';
}

function pct(t: Trend | undefined): string {
  return t ? `${(t.growth * 100).toFixed(1)} %` : '-';
}
