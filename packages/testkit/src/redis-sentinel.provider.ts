import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { type BinaryLocator, pathLocator } from './binary.locator';
import { type LocalServer, startLocalServer } from './local-server.supervisor';
import { type RedisServer, startRedisServer } from './redis-server.provider';
import { ServicesUnavailableError } from './services-unavailable.error';

export interface StartRedisSentinelOptions {
  /** The name the sentinels monitor (REDIS_SENTINEL_MASTER); default `cz-master`. */
  masterName?: string;
  /** How long the master may be silent before a sentinel calls it down (default 1000 ms). */
  downAfterMs?: number;
  locator?: BinaryLocator;
}

export interface RedisSentinelSetup {
  readonly masterName: string;
  /** Master first, then its replica, as started; a failover swaps the roles (ask currentMaster). */
  readonly servers: readonly RedisServer[];
  readonly sentinels: readonly LocalServer[];
  /** `127.0.0.1:port,...` of the three sentinels: what REDIS_SENTINELS takes. */
  readonly sentinelList: string;
  /** The port the sentinels name as master now. */
  currentMaster(): Promise<number>;
  /** kill -9 of the current master; resolves with its port. */
  killMaster(): Promise<number>;
  /** Resolves with the new master's port once the sentinels name another master than `oldPort` and it answers as master. */
  waitForPromotion(oldPort: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Debian's `redis-sentinel` package, or else redis-server itself: it is the same program, and it
 * runs as a sentinel when its arguments hold `--sentinel`, as the sentinels' arguments here do.
 * So a machine with redis-server needs no second package.
 */
export function findSentinelBinary(locator: BinaryLocator = pathLocator()): string | undefined {
  return locator.find('redis-sentinel') ?? locator.find('redis-server');
}

const QUORUM = 2;
const SENTINELS = 3;

async function command(port: number, args: string[]): Promise<unknown> {
  const client = createClient({
    socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 1_000 },
    disableClientInfo: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`redis sentinel setup: timed out waiting for ${what} (${last})`);
}

/**
 * A master, one replica (`replicaof`) and three `redis-sentinel` processes (quorum 2) on free
 * ports, for failover tests. Resolves once the replica is in sync and every sentinel knows the
 * replica and the two other sentinels, so a failover can happen from then on. Every process is
 * killed at exit like any testkit server.
 */
export async function startRedisSentinel(options: StartRedisSentinelOptions = {}): Promise<RedisSentinelSetup> {
  const locator = options.locator ?? pathLocator();
  const sentinelBinary = findSentinelBinary(locator);
  if (!sentinelBinary) throw new ServicesUnavailableError(['redis']);
  const masterName = options.masterName ?? 'cz-master';
  const downAfterMs = options.downAfterMs ?? 1_000;

  const master = await startRedisServer({ locator });
  const replica = await startRedisServer({ locator, extraArgs: ['--replicaof', '127.0.0.1', String(master.port)] });
  const servers = [master, replica];
  const sentinels: LocalServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled([...sentinels, ...servers].map((s) => s.stop()));
  };
  try {
    // Sentinels learn replicas from the master's INFO: start them once the replica is attached.
    await until('the replica to sync', 20_000, async () => {
      const info = String(await command(replica.port, ['INFO', 'replication']));
      return info.includes('master_link_status:up') ? true : undefined;
    });
    for (let i = 0; i < SENTINELS; i++) {
      sentinels.push(
        await startLocalServer({
          name: 'redis-sentinel',
          command: sentinelBinary,
          // Sentinel rewrites its config file, so it is one in the server's own data dir.
          prepare: (dataDir) => writeFile(join(dataDir, 'sentinel.conf'), ''),
          args: (port, dataDir) => [
            join(dataDir, 'sentinel.conf'),
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--dir',
            dataDir,
            '--sentinel',
            'monitor',
            masterName,
            '127.0.0.1',
            String(master.port),
            String(QUORUM),
            '--sentinel',
            'down-after-milliseconds',
            masterName,
            String(downAfterMs),
            '--sentinel',
            'failover-timeout',
            masterName,
            '5000',
            '--sentinel',
            'parallel-syncs',
            masterName,
            '1',
          ],
          url: (port) => `redis://127.0.0.1:${port}`,
          readyLine: /\+monitor master/,
        }),
      );
    }
    await until('every sentinel to know the replica and the other sentinels', 30_000, async () => {
      for (const sentinel of sentinels) {
        const replicas = (await command(sentinel.port, ['SENTINEL', 'replicas', masterName])) as unknown[];
        const peers = (await command(sentinel.port, ['SENTINEL', 'sentinels', masterName])) as unknown[];
        if (replicas.length < 1 || peers.length < SENTINELS - 1) return undefined;
      }
      return true;
    });
  } catch (err) {
    await stop();
    throw err;
  }

  const currentMaster = async (): Promise<number> => {
    for (const sentinel of sentinels) {
      try {
        const reply = (await command(sentinel.port, ['SENTINEL', 'get-master-addr-by-name', masterName])) as string[] | null;
        if (reply?.[1]) return Number(reply[1]);
      } catch {
        // A sentinel that does not answer: ask the next.
      }
    }
    throw new Error('redis sentinel setup: no sentinel named the master');
  };

  return {
    masterName,
    servers,
    sentinels,
    sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    currentMaster,
    async killMaster() {
      const port = await currentMaster();
      const server = servers.find((s) => s.port === port);
      if (!server) throw new Error(`redis sentinel setup: master port ${port} is none of ours`);
      server.kill('SIGKILL');
      return port;
    },
    waitForPromotion(oldPort, timeoutMs = 30_000) {
      return until(`a master other than ${oldPort}`, timeoutMs, async () => {
        const port = await currentMaster();
        if (port === oldPort) return undefined;
        const role = (await command(port, ['ROLE'])) as unknown[];
        return role[0] === 'master' ? port : undefined;
      });
    },
    stop,
  };
}
