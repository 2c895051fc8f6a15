import { type BinaryLocator, pathLocator } from './binary.locator';
import { type LocalServer, startLocalServer } from './local-server.supervisor';
import { ServicesUnavailableError } from './services-unavailable.error';

export interface StartRedisServerOptions {
  port?: number;
  locator?: BinaryLocator;
  /** More redis-server options, e.g. ['--replicaof', '127.0.0.1', '6380'] or ['--maxmemory-policy', 'allkeys-lru']. */
  extraArgs?: readonly string[];
}

export type RedisServer = LocalServer;

/**
 * Always a fresh redis-server (never REDIS_URL or Docker), because chaos and restart tests must
 * own the process. Nothing is persisted, so restart() comes back empty on the same port.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServer> {
  const binary = (options.locator ?? pathLocator()).find('redis-server');
  if (!binary) throw new ServicesUnavailableError(['redis']);
  return startLocalServer({
    name: 'redis-server',
    command: binary,
    args: (port, dataDir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dataDir,
      '--daemonize',
      'no',
      ...(options.extraArgs ?? []),
    ],
    url: (port) => `redis://127.0.0.1:${port}`,
    readyLine: /Ready to accept connections/,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
}
