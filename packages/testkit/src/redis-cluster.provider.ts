import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { type BinaryLocator, pathLocator } from './binary.locator';
import { runCommand } from './command.runner';
import { type LocalServer, startLocalServer } from './local-server.supervisor';
import { ServicesUnavailableError } from './services-unavailable.error';

export interface StartRedisClusterOptions {
  /** Masters (default 3); each gets one replica. */
  masters?: number;
  /** How long a master may be silent before its replica takes over (default 2000 ms). */
  nodeTimeoutMs?: number;
  locator?: BinaryLocator;
  timeoutMs?: number;
}

export interface RedisCluster {
  /** Every node, masters first as created (a failover changes who is master; ask masterOf). */
  readonly nodes: readonly LocalServer[];
  /** `127.0.0.1:port,127.0.0.1:port,...`: what REDIS_CLUSTER_NODES takes. */
  readonly nodeList: string;
  /** The node that serves `slot` now. */
  masterOf(slot: number): Promise<LocalServer>;
  /**
   * kill -9 of the master serving `slot`, then waits until its replica serves the slot and every
   * running node agrees (waitUntilHealthy). The killed node stays down (restart() brings it back
   * as a replica). `promotedAfterMs`: from the kill to a healthy cluster.
   */
  killMasterOf(slot: number, timeoutMs?: number): Promise<{ killed: LocalServer; promoted: LocalServer; promotedAfterMs: number }>;
  /** Resolves once every running node reports cluster_state:ok and agrees on masters that all run, and every replica has synced. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

async function clusterCommand(port: number, args: string[]): Promise<string> {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return String(await client.sendCommand(args));
  } finally {
    await client.disconnect();
  }
}

/** Which ports serve which slot ranges, as `CLUSTER SHARDS`-free text parsing of CLUSTER NODES. */
async function mastersSeenBy(port: number): Promise<Array<{ port: number; ranges: Array<[number, number]> }>> {
  const text = await clusterCommand(port, ['CLUSTER', 'NODES']);
  return text
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((fields) => fields.length >= 8 && fields[2]?.includes('master') && !fields[2].includes('fail'))
    .map((fields) => ({
      port: Number((fields[1] ?? '').split('@')[0]?.split(':')[1]),
      ranges: fields.slice(8).flatMap((range): Array<[number, number]> => {
        if (range.startsWith('[')) return [];
        const [from, to] = range.split('-').map(Number);
        return from === undefined ? [] : [[from, to ?? from]];
      }),
    }))
    .filter((master) => master.ranges.length > 0);
}

/**
 * A Redis Cluster of local redis-server processes (masters + one replica each) on free ports,
 * for tests and local runs that must exercise cluster mode: slot routing, sharded pub/sub,
 * and failover when a master is killed. Nothing is persisted besides each node's nodes.conf,
 * so a restarted node rejoins the cluster (as a replica of whoever took over).
 */
export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisCluster> {
  const locator = options.locator ?? pathLocator();
  const server = locator.find('redis-server');
  const cli = locator.find('redis-cli');
  if (!server || !cli) throw new ServicesUnavailableError(['redis']);
  const masters = options.masters ?? 3;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const nodeTimeout = String(options.nodeTimeoutMs ?? 2_000);

  const started = await Promise.allSettled(
    Array.from({ length: masters * 2 }, () =>
      startLocalServer({
        name: 'redis-cluster-node',
        command: server,
        args: (port, dataDir) =>
          // biome-ignore format: one flag per pair reads better
          [
            '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir,
            '--daemonize', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
            '--cluster-node-timeout', nodeTimeout,
            // A replica that saw its master recently may take over; a lone replica must not wait forever.
            '--cluster-replica-validity-factor', '0',
            // Replicas sync at once rather than after Redis's 5 s wait for other replicas to join.
            '--repl-diskless-sync-delay', '0',
          ],
        url: (port) => `redis://127.0.0.1:${port}`,
        readyLine: /Ready to accept connections/,
      }),
    ),
  );
  const nodes = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.allSettled(nodes.map((node) => node.stop()));
  };
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }

  const nodeList = nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  const waitUntilHealthy = async (waitMs = timeoutMs): Promise<void> => {
    const deadline = Date.now() + waitMs;
    let last = 'no answer yet';
    for (;;) {
      try {
        const running = nodes.filter((node) => node.process.running);
        const infos = await Promise.all(running.map((node) => clusterCommand(node.port, ['CLUSTER', 'INFO'])));
        const replication = await Promise.all(running.map((node) => clusterCommand(node.port, ['INFO', 'replication'])));
        const views = await Promise.all(running.map((node) => mastersSeenBy(node.port)));
        // Every node must see the same owner for every range: a node with an older view answers MOVED back and forth.
        const signatures = new Set(
          views.map((view) =>
            view
              .map((m) => `${m.port}:${m.ranges.map(([from, to]) => `${from}-${to}`).join('+')}`)
              .sort()
              .join(','),
          ),
        );
        const slots = views[0]?.reduce((sum, m) => sum + m.ranges.reduce((s, [from, to]) => s + to - from + 1, 0), 0) ?? 0;
        // A master killed a moment ago still looks fine until the others time it out.
        const runningPorts = new Set(running.map((node) => node.port));
        const mastersAlive = views.every((view) => view.every((m) => runningPorts.has(m.port)));
        const settled = infos.every((info) => info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384'));
        // Until a replica's initial sync is done it holds nothing: a master killed then takes
        // everything with it, not only what a test removed on purpose.
        const synced = replication.every((info) => !info.includes('role:slave') || info.includes('master_link_status:up'));
        if (settled && synced && signatures.size === 1 && slots === 16_384 && mastersAlive) return;
        last = `states: ${infos.map((info) => /cluster_state:(\w+)/.exec(info)?.[1] ?? '?').join(',')}; views: ${[...signatures].join(' | ')}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() >= deadline) throw new Error(`redis cluster ${nodeList} not healthy after ${waitMs} ms (${last})`);
      await sleep(200);
    }
  };

  const created = await runCommand(cli, ['--cluster', 'create', ...nodeList.split(','), '--cluster-replicas', '1', '--cluster-yes'], {
    timeoutMs,
  });
  try {
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed (${created.code}): ${created.stdout}\n${created.stderr}`);
    await waitUntilHealthy();
  } catch (error) {
    await stop();
    throw error;
  }

  const masterOf = async (slot: number): Promise<LocalServer> => {
    for (const node of nodes.filter((n) => n.process.running)) {
      const master = (await mastersSeenBy(node.port)).find((m) => m.ranges.some(([from, to]) => slot >= from && slot <= to));
      const owner = master && nodes.find((n) => n.port === master.port);
      if (owner) return owner;
    }
    throw new Error(`no running node of ${nodeList} knows who serves slot ${slot}`);
  };

  return {
    nodes,
    nodeList,
    masterOf,
    waitUntilHealthy,
    async killMasterOf(slot, waitMs = timeoutMs) {
      const killed = await masterOf(slot);
      const killedAt = performance.now();
      killed.kill('SIGKILL');
      await killed.process.exited;
      await waitUntilHealthy(waitMs);
      const promotedAfterMs = Math.round(performance.now() - killedAt);
      return { killed, promoted: await masterOf(slot), promotedAfterMs };
    },
    stop,
  };
}
