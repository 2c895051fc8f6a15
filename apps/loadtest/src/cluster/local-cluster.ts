import { existsSync } from 'node:fs';
import { getFreePort, type ManagedProcess, startProcess } from '@campzone/testkit';
import { sleep } from '../load/concurrency';
import { gatewayEntry, repoRoot, workerEntry } from './repo-paths';

export interface ClusterServices {
  redisUrl: string;
  mongoUrl: string;
  /** `host:port,...` of a Redis Cluster: when set, the processes use it (and the sharded adapter) instead of redisUrl. */
  redisClusterNodes?: string;
}

export interface ClusterOptions {
  gateways: number;
  services: ClusterServices;
  /** Redis key prefix and database of this cluster (fresh per run, so runs never mix). */
  namespace: { prefix: string; db: string };
  jwtSecret: string;
  /** First gateway port; the others follow consecutively, then the worker. 0: any free ports. */
  basePort?: number;
  /** Start the worker: true (fail without it), false, or 'if-built' (skip with a note when absent). */
  worker?: boolean | 'if-built';
  /** Extra environment for every gateway and the worker (retry delays, batch sizes...). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface GatewayProcess {
  name: string;
  url: string;
  port: number;
  proc: ManagedProcess;
}

const LISTENING = /"msg":"gateway listening"/;
/** Any of the lines a worker may print once it consumes jobs; /healthz is tried as well. */
const WORKER_READY = /"msg":"[^"]*(ready|listening|started)[^"]*"/i;
// Generous: on a loaded 2-core machine a gateway needs 10-15 s just to load its modules.
const READY_TIMEOUT_MS = 60_000;

/**
 * The worker's young generation at its full size (16 MiB semi-spaces, Node 20's maximum) from
 * the start. Left to V8 it grows in steps from 1 MiB as the job rate rises, and each step
 * lifts RSS for good (4 MiB: 105 MiB, 32 MiB: 133 MiB in a soak, old space flat at 37 MiB):
 * a worker's memory then looks like growth for the first ten minutes of its life.
 */
const WORKER_NODE_FLAGS = ['--min-semi-space-size=16'];

/**
 * A local cluster as real processes: N gateways (`node apps/gateway/dist/main.js`) and one
 * worker, on one Redis and one MongoDB-wire server. Processes, not in-process servers, so
 * chaos can kill -9 them and the benchmark can read their memory and CPU.
 */
export class LocalCluster {
  readonly gateways: GatewayProcess[] = [];
  worker: ManagedProcess | undefined;
  workerPort = 0;
  private stopped = false;

  private constructor(private readonly options: ClusterOptions) {}

  static async start(options: ClusterOptions): Promise<LocalCluster> {
    const cluster = new LocalCluster(options);
    try {
      const base = options.basePort ?? 0;
      const portOf = (i: number) => (base === 0 ? 0 : base + i);
      // The first gateway creates the database and its indexes alone: FerretDB drops a
      // connection when several clients create the same new database at once.
      await cluster.startGateway(0, portOf(0));
      await Promise.all(Array.from({ length: options.gateways - 1 }, (_, i) => cluster.startGateway(i + 1, portOf(i + 1))));
      const wanted = options.worker ?? 'if-built';
      if (wanted === true || (wanted === 'if-built' && existsSync(workerEntry()))) {
        await cluster.startWorker(base === 0 ? 0 : base + options.gateways);
      } else if (wanted === 'if-built') {
        options.log?.(`worker not started: ${workerEntry()} is not built`);
      }
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get urls(): string[] {
    return this.gateways.map((g) => g.url);
  }

  get env(): Record<string, string> {
    const { services, namespace, jwtSecret } = this.options;
    // Children inherit the environment: an empty value counts as unset and keeps the two exclusive.
    const redis = services.redisClusterNodes
      ? { REDIS_CLUSTER_NODES: services.redisClusterNodes, REDIS_URL: '' }
      : { REDIS_URL: services.redisUrl, REDIS_CLUSTER_NODES: '' };
    return {
      ...redis,
      MONGO_URL: services.mongoUrl,
      MONGO_DB: namespace.db,
      REDIS_PREFIX: namespace.prefix,
      JWT_SECRET: jwtSecret,
      AUTH_DEV_TOKENS: 'true',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      // "gateway listening" is an info line; per-event logs are debug, so info stays quiet under load.
      LOG_LEVEL: 'info',
      // Load generators connect thousands of users from 127.0.0.1 and send far above a human rate.
      MESSAGE_RATE_LIMIT: '1000000',
      CONNECT_RATE_LIMIT: '1000000',
      SERVE_WEB_CLIENT: 'false',
      // testkit's FerretDB keeps data in SQLite, which takes one write at a time and makes
      // waiting writers sleep and retry: 16 concurrent jobs only add lock waits there.
      WORKER_CONCURRENCY: '2',
      ...this.options.env,
    };
  }

  /** Process ids by name (gateway-1.., worker), for memory and CPU sampling. */
  pids(): Record<string, number> {
    const pids: Record<string, number> = {};
    for (const g of this.gateways) if (g.proc.running) pids[g.name] = g.proc.pid;
    if (this.worker?.running) pids.worker = this.worker.pid;
    return pids;
  }

  /** /metrics addresses of the running processes by name (gateway-1.., worker). */
  metricsUrls(): Record<string, string> {
    const urls: Record<string, string> = {};
    for (const g of this.gateways) if (g.proc.running) urls[g.name] = `${g.url}/metrics`;
    if (this.worker?.running) urls.worker = `http://127.0.0.1:${this.workerPort}/metrics`;
    return urls;
  }

  gateway(i: number): GatewayProcess {
    const gateway = this.gateways[i];
    if (!gateway) throw new Error(`no gateway ${i}`);
    return gateway;
  }

  /** Starts gateway i (again, after a kill: on the same port, so clients' URL lists stay valid). */
  async startGateway(i: number, port = this.gateways[i]?.port ?? 0): Promise<GatewayProcess> {
    const name = `gateway-${i + 1}`;
    const proc = await startProcess({
      name,
      command: process.execPath,
      args: [gatewayEntry()],
      cwd: repoRoot(),
      env: { ...this.env, PORT: String(port), POD_NAME: name },
      readyLine: LISTENING,
      timeoutMs: READY_TIMEOUT_MS,
    });
    const line = await proc.waitForLine(LISTENING);
    const listening = JSON.parse(line) as { port: number };
    const gateway = { name, url: `http://127.0.0.1:${listening.port}`, port: listening.port, proc };
    this.gateways[i] = gateway;
    return gateway;
  }

  /** kill -9 (or another signal) of gateway i; resolves once the process is gone. */
  async killGateway(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const { proc } = this.gateway(i);
    proc.kill(signal);
    await proc.exited;
  }

  async startWorker(port = this.workerPort): Promise<ManagedProcess> {
    const entry = workerEntry();
    if (!existsSync(entry)) throw new Error(`the worker is not built (${entry}); run \`npm run build\``);
    this.workerPort = port === 0 ? await getFreePort() : port;
    const proc = await startProcess({
      name: 'worker',
      command: process.execPath,
      // As the image runs it (deploy/docker/compose.yaml, the Helm chart): see WORKER_NODE_FLAGS.
      args: [...WORKER_NODE_FLAGS, entry],
      cwd: repoRoot(),
      env: { ...this.env, PORT: String(this.workerPort), POD_NAME: 'worker' },
    });
    this.worker = proc;
    await waitForWorker(proc, this.workerPort, this.options.log);
    return proc;
  }

  async killWorker(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.worker) return;
    this.worker.kill(signal);
    await this.worker.exited;
  }

  /** Drains every gateway (SIGTERM) and stops the worker; escalates to SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.allSettled([...this.gateways.map((g) => g.proc.stop(10_000)), this.worker?.stop(10_000)]);
  }
}

/** Ready when the worker prints a ready-ish line or answers /healthz; a crash fails at once. */
async function waitForWorker(proc: ManagedProcess, port: number, log?: (line: string) => void): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const line = proc.waitForLine(WORKER_READY, READY_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  let ready = false;
  void line.then((seen) => {
    ready ||= seen;
  });
  while (!ready && proc.running && Date.now() < deadline) {
    ready = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) }).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await sleep(100);
  }
  if (!proc.running) throw new Error(`the worker exited while starting:\n${proc.outputTail()}`);
  if (!ready) log?.('worker gave no readiness signal within 60 s (no ready line, no /healthz); continuing with it running');
}
