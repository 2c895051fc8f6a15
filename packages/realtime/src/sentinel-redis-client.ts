import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { RedisClient, SentinelTarget } from './redis-client';
import { FAILOVER_FOLLOWED, type FailoverFollowed } from './redis-failover-event';

/** host:port of a Redis server. */
export interface RedisAddress {
  host: string;
  port: number;
}

/** How often each client asks a sentinel where the master is (between failovers). */
const WATCH_INTERVAL_MS = 300;
/** Reconnects after a drop: quick, as the new master is usually announced within a few seconds. */
const reconnectDelay = (retries: number): number => Math.min(50 + retries * 50, 250);

const sameAddress = (a: RedisAddress | undefined, b: RedisAddress | undefined): boolean =>
  a !== undefined && b !== undefined && a.host === b.host && a.port === b.port;
const addressText = (a: RedisAddress): string => `${a.host}:${a.port}`;

/**
 * Asks the sentinels, one after the other, where the master named `masterName` is
 * (`SENTINEL get-master-addr-by-name`). The first sentinel that answers is kept for the next
 * question; one that does not is skipped.
 */
export class SentinelMasterLocator {
  #sentinel: RedisClient | undefined;
  #next = 0;

  constructor(private readonly target: SentinelTarget) {}

  async locate(): Promise<RedisAddress> {
    const failures: string[] = [];
    for (let tried = 0; tried < this.target.sentinels.length; tried++) {
      try {
        const address = await this.#ask();
        if (address) return address;
        failures.push(`${this.#current()} does not know master "${this.target.masterName}"`);
      } catch (err) {
        failures.push(`${this.#current()}: ${err instanceof Error ? err.message : String(err)}`);
      }
      await this.#dropSentinel();
      this.#next = (this.#next + 1) % this.target.sentinels.length;
    }
    throw new Error(`REDIS_SENTINELS: no sentinel named the master (${failures.join('; ')})`);
  }

  async close(): Promise<void> {
    await this.#dropSentinel();
  }

  #current(): string {
    const s = this.target.sentinels[this.#next];
    return s ? `${s.host}:${s.port}` : '(no sentinel)';
  }

  async #ask(): Promise<RedisAddress | undefined> {
    if (!this.#sentinel) {
      const s = this.target.sentinels[this.#next];
      if (!s) throw new Error('REDIS_SENTINELS is empty');
      const sentinel: RedisClient = createClient({
        socket: { host: s.host, port: s.port, connectTimeout: 1000, reconnectStrategy: false },
        disableClientInfo: true,
      });
      sentinel.on('error', () => undefined);
      // Never keeps the process alive: the clients it serves do that.
      await sentinel.connect();
      sentinel.unref();
      this.#sentinel = sentinel;
    }
    const reply = await this.#sentinel.sendCommand<string[] | null>(['SENTINEL', 'get-master-addr-by-name', this.target.masterName]);
    if (!reply || reply.length < 2) return undefined;
    return { host: String(reply[0]), port: Number(reply[1]) };
  }

  async #dropSentinel(): Promise<void> {
    const sentinel = this.#sentinel;
    this.#sentinel = undefined;
    if (sentinel?.isOpen) await sentinel.disconnect().catch(() => undefined);
  }
}

/**
 * A node-redis client on the master that Redis Sentinel names, which follows the master after a
 * failover. node-redis v4 has no Sentinel support; this gives it one through three seams:
 * - connect() first asks the sentinels where the master is;
 * - every reconnect (the old master died, or Sentinel killed our connection when it demoted it)
 *   goes to the address the sentinels gave last, so commands queued meanwhile and subscriptions
 *   (node-redis re-subscribes on reconnect) land on the new master;
 * - a watch asks a sentinel every 300 ms; if the master moved while this client is still
 *   connected to the old one (it is alive but demoted, or cut off), the client's own connection
 *   is killed there (found by its CLIENT SETNAME name, so subscriber connections too), which
 *   makes node-redis reconnect to the new one.
 * As with createStartupRedisClient, a first connect fails fast and the start-up loop retries it.
 */
export function createSentinelRedisClient(target: SentinelTarget): RedisClient {
  const locator = new SentinelMasterLocator(target);
  const name = `cz-${process.pid}-${randomBytes(4).toString('hex')}`;
  let wasReady = false;
  let master: RedisAddress | undefined;
  let connectedTo: RedisAddress | undefined;
  let watch: NodeJS.Timeout | undefined;
  let asking = false;

  // node-redis reads host and port from this object on every (re)connect.
  const socket = {
    host: '127.0.0.1',
    port: 6379,
    reconnectStrategy: (retries: number): number | false => {
      if (!wasReady) return false;
      void refresh();
      if (master) {
        socket.host = master.host;
        socket.port = master.port;
      }
      return reconnectDelay(retries);
    },
  };
  const client: RedisClient = createClient({ socket, name });

  async function refresh(): Promise<void> {
    if (asking) return;
    asking = true;
    try {
      master = await locator.locate();
      if (client.isReady && connectedTo && !sameAddress(connectedTo, master)) await leave(connectedTo);
    } catch {
      // Every sentinel is unreachable: keep the last answer; the next tick asks again.
    } finally {
      asking = false;
    }
  }

  /** Kills this client's connection on a server that is no longer the master. */
  async function leave(stale: RedisAddress): Promise<void> {
    const admin: RedisClient = createClient({
      socket: { host: stale.host, port: stale.port, connectTimeout: 500, reconnectStrategy: false },
      disableClientInfo: true,
    });
    admin.on('error', () => undefined);
    try {
      await admin.connect();
      const list = await admin.sendCommand<string>(['CLIENT', 'LIST']);
      const own = list.split('\n').find((line) => line.includes(` name=${name} `));
      const id = own?.match(/^id=(\d+) /)?.[1];
      if (id) await admin.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    } catch {
      // The old master is unreachable: the connection to it breaks by itself (keepalive) or on next use.
    } finally {
      if (admin.isOpen) await admin.disconnect().catch(() => undefined);
    }
  }

  client.on('connect', () => {
    const previous = connectedTo;
    connectedTo = { host: socket.host, port: socket.port };
    if (previous && !sameAddress(previous, connectedTo)) {
      const followed: FailoverFollowed = { from: [addressText(previous)], to: [addressText(connectedTo)], resubscribed: 0 };
      client.emit(FAILOVER_FOLLOWED, followed);
    }
  });
  client.on('ready', () => {
    wasReady = true;
  });
  client.on('end', () => {
    if (watch) clearInterval(watch);
    watch = undefined;
    void locator.close();
  });

  const connect = client.connect.bind(client);
  // The instance's connect is wrapped rather than subclassed: node-redis builds its client class per module set.
  client.connect = async () => {
    master = await locator.locate();
    socket.host = master.host;
    socket.port = master.port;
    const connected = await connect();
    watch ??= setInterval(() => void refresh(), WATCH_INTERVAL_MS).unref();
    return connected;
  };
  return client;
}
