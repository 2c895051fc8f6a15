import { provisionServices, uniqueNamespace } from '@campzone/testkit';
import { parseCommandArgs } from '../cli/command-args';
import { LocalCluster } from './local-cluster';
import { consecutiveFreePorts } from './port-range';

// `npm run cluster -- --gateways 3`: a local cluster until Ctrl-C. A CLI, so it prints.

const USAGE = `Usage: npm run cluster -- [--gateways N] [--port P] [--no-worker] [--jwt-secret S] [--redis-cluster]

Starts N gateways on consecutive ports from P (default 3000) and one worker on the next port,
on Redis and MongoDB from testkit (REDIS_URL/MONGO_URL, else Docker, else local binaries).
--redis-cluster: on a local Redis Cluster (3 masters + 3 replicas, or REDIS_CLUSTER_NODES)
with the sharded adapter instead of one Redis.
Prints their URLs; Ctrl-C drains the gateways and stops everything.`;

export const DEV_JWT_SECRET = 'campzone-local-cluster-secret';

export async function runClusterCli(argv: string[]): Promise<number> {
  const values = parseCommandArgs(
    argv,
    {
      gateways: { type: 'string' },
      port: { type: 'string' },
      'no-worker': { type: 'boolean' },
      'jwt-secret': { type: 'string' },
      'redis-cluster': { type: 'boolean' },
    },
    USAGE,
  );
  if (typeof values === 'number') return values;
  const count = Number(values.gateways ?? 3);
  const basePort = Number(values.port ?? 3000);
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    console.error('--gateways: a whole number from 1 to 64');
    return 2;
  }
  if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65_000) {
    console.error('--port: a whole number from 1 to 65000');
    return 2;
  }
  const withWorker = !values['no-worker'];
  const jwtSecret = values['jwt-secret'] ?? process.env.JWT_SECRET ?? DEV_JWT_SECRET;
  const log = (line: string) => console.error(`[cluster] ${line}`);

  const ports = await consecutiveFreePorts(basePort, count + (withWorker ? 1 : 0));
  if (ports !== basePort) log(`ports ${basePort}.. are taken; using ${ports}..`);
  const services = await provisionServices({ log, redisCluster: values['redis-cluster'] === true });
  let cluster: LocalCluster | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    stopping = true;
    log(`${signal}: draining gateways, stopping the worker and services`);
    await cluster?.stop();
    await services.stop();
  };
  try {
    cluster = await LocalCluster.start({
      gateways: count,
      basePort: ports,
      services,
      namespace: uniqueNamespace('cluster'),
      jwtSecret,
      worker: withWorker ? 'if-built' : false,
      log,
    });
  } catch (err) {
    log(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    await services.stop();
    return 1;
  }
  for (const g of cluster.gateways) console.log(`${g.name}  ${g.url}`);
  if (cluster.worker) console.log(`worker     http://127.0.0.1:${cluster.workerPort}`);
  console.log(services.redisClusterNodes ? `redis      cluster ${services.redisClusterNodes}` : `redis      ${services.redisUrl}`);
  console.log(`mongo      ${services.mongoUrl} (db ${cluster.env.MONGO_DB})`);
  console.log(`JWT_SECRET ${jwtSecret}   (dev tokens: POST <gateway>/v1/dev/token {"userId":"..."})`);
  console.log('');
  console.log(`try: npm run loadtest -- ${cluster.urls.map((u) => `--url ${u}`).join(' ')} --jwt-secret ${jwtSecret}`);
  console.log('Ctrl-C stops everything.');
  for (const g of cluster.gateways)
    void g.proc.exited.then((code) => {
      if (!stopping) log(`${g.name} exited unexpectedly (${code ?? 'signal'})`);
    });

  const signal = await new Promise<string>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => resolve(name));
  });
  await shutdown(signal);
  return 0;
}
