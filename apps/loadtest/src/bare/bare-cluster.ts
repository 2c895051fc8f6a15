import { type ManagedProcess, startProcess } from '@campzone/testkit';
import { loadtestDist, repoRoot } from '../cluster/repo-paths';

const LISTENING = /"msg":"bare listening"/;

/** N bare-server processes on one Redis: the same shape as the gateway cluster, minus the chat. */
export class BareCluster {
  private constructor(readonly nodes: Array<{ name: string; url: string; proc: ManagedProcess }>) {}

  static async start(options: { processes: number; redisUrl: string; prefix: string; jwtSecret: string }): Promise<BareCluster> {
    const nodes = await Promise.all(
      Array.from({ length: options.processes }, async (_, i) => {
        const name = `bare-${i + 1}`;
        const proc = await startProcess({
          name,
          command: process.execPath,
          args: [loadtestDist('bare', 'bare-server-main.js')],
          cwd: repoRoot(),
          env: { REDIS_URL: options.redisUrl, REDIS_PREFIX: options.prefix, JWT_SECRET: options.jwtSecret, PORT: '0' },
          readyLine: LISTENING,
        });
        const { port } = JSON.parse(await proc.waitForLine(LISTENING)) as { port: number };
        return { name, url: `http://127.0.0.1:${port}`, proc };
      }),
    );
    return new BareCluster(nodes);
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  pids(): Record<string, number> {
    return Object.fromEntries(this.nodes.filter((n) => n.proc.running).map((n) => [n.name, n.proc.pid]));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.proc.stop(5000)));
  }
}
