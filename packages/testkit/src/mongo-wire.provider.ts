import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BinaryLocator, pathLocator } from './binary.locator';
import { findFerretDb, installFerretDb } from './ferretdb.installer';
import { type LocalServer, type LocalServerSpec, startLocalServer } from './local-server.supervisor';
import { waitForMongoPing } from './mongo-ping.probe';
import { waitForTcpPort } from './readiness.probe';
import { ServicesUnavailableError } from './services-unavailable.error';

export interface StartMongoWireOptions {
  port?: number;
  locator?: BinaryLocator;
  log?: (line: string) => void;
  /** Where a built FerretDB is cached (see installFerretDb). */
  ferretdbCacheDir?: string;
  /** Build FerretDB with Go when no binary exists. Default true. */
  installFerretDb?: boolean;
  /**
   * FerretDB on PostgreSQL (its `pg` handler) at this URL instead of SQLite; the database must
   * exist (see createPostgresDatabase). mongod, when on PATH, still wins.
   */
  postgresUrl?: string;
}

export interface MongoWireServer extends LocalServer {
  readonly kind: 'mongod' | 'ferretdb';
  /** FerretDB's backend: 'sqlite' or 'pg'; 'mongod' for a real MongoDB. */
  readonly backend: 'mongod' | 'sqlite' | 'pg';
}

const READY_TIMEOUT_MS = 30_000;

async function readyForMongo(port: number, server: { readonly running: boolean }): Promise<void> {
  await waitForTcpPort(port, '127.0.0.1', { timeoutMs: READY_TIMEOUT_MS, gaveUp: () => !server.running });
  await waitForMongoPing(`mongodb://127.0.0.1:${port}`, READY_TIMEOUT_MS);
}

function mongodSpec(binary: string): LocalServerSpec {
  return {
    name: 'mongod',
    command: binary,
    args: (port, dataDir) => ['--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dataDir, '--nounixsocket', '--quiet'],
    url: (port) => `mongodb://127.0.0.1:${port}`,
    ready: readyForMongo,
  };
}

function ferretDbSpec(binary: string, postgresUrl?: string): LocalServerSpec {
  return {
    name: 'ferretdb',
    command: binary,
    prepare: async (dataDir) => {
      await mkdir(join(dataDir, 'sqlite'));
      await mkdir(join(dataDir, 'state'));
    },
    args: (port, dataDir) => [
      ...(postgresUrl
        ? ['--handler=pg', `--postgresql-url=${postgresUrl}`]
        : [
            '--handler=sqlite',
            // WAL with synchronous=NORMAL: a commit no longer waits for fsync, yet survives a killed
            // process (only a machine crash can lose the last commits: fine for throwaway test data).
            // FerretDB makes every updated document its own SQLite transaction, so this is most of
            // its write rate.
            `--sqlite-url=file:${join(dataDir, 'sqlite')}/?_pragma=synchronous(normal)`,
          ]),
      `--listen-addr=127.0.0.1:${port}`,
      // Its default state dir is the cwd and its debug listener a fixed port (8088), which
      // would litter the checkout and make two instances collide.
      `--state-dir=${join(dataDir, 'state')}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    url: (port) => `mongodb://127.0.0.1:${port}`,
    ready: readyForMongo,
  };
}

/**
 * Always a fresh local MongoDB-wire server: mongod when on PATH, else FerretDB v1 on SQLite or,
 * given postgresUrl, on PostgreSQL (built with Go on first use). Data lives in a temp dir that survives halt()/kill()+restart().
 */
export async function startMongoWire(options: StartMongoWireOptions = {}): Promise<MongoWireServer> {
  const locator = options.locator ?? pathLocator();
  const mongod = locator.find('mongod');
  let spec: LocalServerSpec;
  let kind: MongoWireServer['kind'];
  let backend: MongoWireServer['backend'];
  if (mongod) {
    spec = mongodSpec(mongod);
    kind = 'mongod';
    backend = 'mongod';
  } else {
    const ferretOptions = {
      locator,
      ...(options.log ? { log: options.log } : {}),
      ...(options.ferretdbCacheDir ? { cacheDir: options.ferretdbCacheDir } : {}),
    };
    const ferretdb = options.installFerretDb === false ? await findFerretDb(ferretOptions) : await installFerretDb(ferretOptions);
    if (!ferretdb) throw new ServicesUnavailableError(['mongo']);
    spec = ferretDbSpec(ferretdb, options.postgresUrl);
    kind = 'ferretdb';
    backend = options.postgresUrl ? 'pg' : 'sqlite';
  }
  const server = await startLocalServer({ ...spec, ...(options.port === undefined ? {} : { port: options.port }) });
  return Object.assign(server, { kind, backend });
}
