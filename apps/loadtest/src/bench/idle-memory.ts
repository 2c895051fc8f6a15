import { type ManagedProcess, startProcess } from '@campzone/testkit';
import { rssBytes } from '../cluster/process-stats';
import { loadtestDist, repoRoot } from '../cluster/repo-paths';
import { sleep } from '../load/concurrency';

export interface IdleMemoryPoint {
  connections: number;
  /** Sockets that actually connected (the figure is per connected socket). */
  connected: number;
  rssBytes: number;
  /** (RSS now - RSS with no sockets) / connected. */
  bytesPerConnection: number;
}

export interface IdleMemoryResult {
  baselineRssBytes: number;
  points: IdleMemoryPoint[];
}

const CONNECTED = /"msg":"idle connected"/;
/** Sockets per connector process: one Node process holds 5 000 comfortably. */
const PER_CONNECTOR = 5000;

/**
 * RSS growth of one server process per idle connection. Connections come from separate
 * connector processes, 5 000 each; after each level the server gets a few seconds to settle
 * (GC, socket buffers) before RSS is read. Every level keeps the previous level's sockets.
 */
export async function measureIdleMemory(options: {
  url: string;
  pid: number;
  levels: number[];
  jwtSecret: string;
  userPrefix: string;
  /** Several sockets per user: one user's second socket costs a chat server no extra MongoDB work. */
  socketsPerUser: number;
  /** What the connectors speak: Socket.IO (our gateway, bare) or Centrifugo's protocol. */
  protocol?: 'socket.io' | 'centrifugo';
  settleMs?: number;
  log?: (line: string) => void;
}): Promise<IdleMemoryResult> {
  const settleMs = options.settleMs ?? 4000;
  await sleep(settleMs);
  const baseline = rssBytes(options.pid);
  if (baseline === undefined) throw new Error(`process ${options.pid} is gone`);
  const connectors: ManagedProcess[] = [];
  const points: IdleMemoryPoint[] = [];
  let connected = 0;
  let opened = 0;
  try {
    for (const level of [...options.levels].sort((a, b) => a - b)) {
      while (opened < level) {
        const count = Math.min(PER_CONNECTOR, level - opened);
        const proc = await startProcess({
          name: `idle-connector-${connectors.length + 1}`,
          command: process.execPath,
          args: [
            loadtestDist('bench', 'idle-connector-main.js'),
            '--url',
            options.url,
            '--count',
            String(count),
            '--secret',
            options.jwtSecret,
            '--prefix',
            `${options.userPrefix}c${connectors.length}`,
            '--sockets-per-user',
            String(options.socketsPerUser),
            '--protocol',
            options.protocol ?? 'socket.io',
          ],
          cwd: repoRoot(),
          env: {},
          readyLine: CONNECTED,
          timeoutMs: 300_000,
        });
        connectors.push(proc);
        const line = JSON.parse(await proc.waitForLine(CONNECTED)) as { connected: number; failed: number; firstError?: string };
        if (line.failed > 0) options.log?.(`${line.failed} idle sockets failed to connect (${line.firstError ?? 'no reason'})`);
        connected += line.connected;
        opened += count;
      }
      await sleep(settleMs);
      const rss = rssBytes(options.pid);
      if (rss === undefined) throw new Error(`process ${options.pid} died at ${level} connections`);
      points.push({
        connections: level,
        connected,
        rssBytes: rss,
        bytesPerConnection: Math.round((rss - baseline) / Math.max(1, connected)),
      });
      options.log?.(`${connected} idle sockets: RSS ${(rss / 1048576).toFixed(1)} MiB (+${((rss - baseline) / 1048576).toFixed(1)} MiB)`);
    }
  } finally {
    await Promise.allSettled(connectors.map((c) => c.stop(5000)));
  }
  return { baselineRssBytes: baseline, points };
}
