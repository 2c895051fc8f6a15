#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { FERRETDB_VERSION, installFerretDb } from './ferretdb.installer';
import { GOFAKES3_VERSION, installS3Server } from './s3-server.installer';
import { type ProvisionedServices, provisionServices } from './services.provisioner';

const USAGE = `Usage: campzone-services <command>

  run -- <cmd> [args...]   provide Redis and MongoDB, run <cmd> with REDIS_URL and MONGO_URL set,
                           exit with its status, then stop what was started
  up                       provide them and print REDIS_URL=... MONGO_URL=..., until Ctrl-C

  --redis-cluster          (before run/up's other arguments) also provide a Redis Cluster
                           (3 masters + 3 replicas) and set/print REDIS_CLUSTER_NODES=...
  install-ferretdb         build and cache FerretDB ${FERRETDB_VERSION} (needs Go) and print its path
  install-s3               build and cache gofakes3 ${GOFAKES3_VERSION} (the S3-compatible test server; needs Go)

Services come from REDIS_URL/MONGO_URL, else Docker, else local redis-server and mongod/FerretDB.`;

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const log = (line: string): void => {
  console.error(`[campzone-services] ${line}`);
};

function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 1) : 1);
}

const CLUSTER_FLAG = '--redis-cluster';

function withoutClusterFlag(argv: string[]): { redisCluster: boolean; rest: string[] } {
  return argv[0] === CLUSTER_FLAG ? { redisCluster: true, rest: argv.slice(1) } : { redisCluster: false, rest: argv };
}

function serviceEnv(services: ProvisionedServices): Record<string, string> {
  return {
    REDIS_URL: services.redisUrl,
    MONGO_URL: services.mongoUrl,
    ...(services.redisClusterNodes ? { REDIS_CLUSTER_NODES: services.redisClusterNodes } : {}),
  };
}

async function run(argv: string[]): Promise<number> {
  const { redisCluster, rest } = withoutClusterFlag(argv);
  const [command, ...args] = rest[0] === '--' ? rest.slice(1) : rest;
  if (!command) {
    console.error(USAGE);
    return 2;
  }
  const services = await provisionServices({ log, redisCluster });
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...serviceEnv(services) } });
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => child.kill(signal));
  }
  const status = await new Promise<number>((resolveStatus) => {
    child.on('error', (error) => {
      log(`could not run ${command}: ${error.message}`);
      resolveStatus(127);
    });
    child.on('exit', (code, signal) => resolveStatus(exitStatus(code, signal)));
  });
  await services.stop();
  return status;
}

async function up(argv: string[]): Promise<number> {
  const services: ProvisionedServices = await provisionServices({ log, redisCluster: withoutClusterFlag(argv).redisCluster });
  console.log(
    Object.entries(serviceEnv(services))
      .map(([name, value]) => `${name}=${value}`)
      .join(' '),
  );
  log('services are up; press Ctrl-C to stop them');
  // When both URLs came from the environment nothing else keeps the event loop alive.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    for (const name of FORWARDED_SIGNALS) process.once(name, () => resolveSignal(name));
  });
  log(`${signal}: stopping services`);
  clearInterval(keepAlive);
  await services.stop();
  return 0;
}

async function installFerret(): Promise<number> {
  const binary = await installFerretDb({ log });
  if (!binary) {
    log(`no working ferretdb ${FERRETDB_VERSION} and no Go on PATH to build one; install Go (https://go.dev/dl/)`);
    return 1;
  }
  console.log(binary);
  return 0;
}

async function installS3(): Promise<number> {
  const binary = await installS3Server({ log });
  if (!binary) {
    log('no gofakes3 and no Go on PATH to build one; install Go (https://go.dev/dl/)');
    return 1;
  }
  console.log(binary);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'up':
      return up(rest);
    case 'install-ferretdb':
      return installFerret();
    case 'install-s3':
      return installS3();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
