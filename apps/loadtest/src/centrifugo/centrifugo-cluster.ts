import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getFreePort, type ManagedProcess, startProcess } from '@campzone/testkit';

/** The channel namespace the bench's rooms live in: `chat:<roomId>`. */
export const CHAT_NAMESPACE = 'chat';

export interface CentrifugoNode {
  name: string;
  /** ws://.../connection/websocket */
  url: string;
  proc: ManagedProcess;
}

/**
 * Centrifugo's closest match to our guarantees: the Redis engine (nodes share channels through
 * it, like gateways through the adapter), and in the chat namespace history with recovery and
 * positioning forced on (its at-least-once mode: a subscriber that missed publications is
 * caught up from the Redis stream). Clients may subscribe and publish themselves, as ours
 * send_message over their socket.
 */
export function centrifugoConfig(options: { port: number; redisUrl: string; prefix: string; hmacSecret: string }): Record<string, unknown> {
  return {
    log: { level: 'error' },
    http_server: { address: '127.0.0.1', port: options.port },
    health: { enabled: true },
    client: {
      token: { hmac_secret_key: options.hmacSecret },
      // Node's WebSocket sends no Origin header; the load generator is not a browser.
      allowed_origins: ['*'],
    },
    engine: { type: 'redis', redis: { address: [options.redisUrl], prefix: options.prefix } },
    channel: {
      namespaces: [
        {
          name: CHAT_NAMESPACE,
          history_size: 1000,
          history_ttl: '600s',
          force_recovery: true,
          force_positioning: true,
          allow_subscribe_for_client: true,
          allow_publish_for_subscriber: true,
          allow_history_for_subscriber: true,
        },
      ],
    },
  };
}

/** N Centrifugo nodes on one Redis, each from its own config file in a temp dir. */
export class CentrifugoCluster {
  private constructor(
    readonly nodes: CentrifugoNode[],
    private readonly dir: string,
  ) {}

  static async start(options: {
    binary: string;
    nodes: number;
    redisUrl: string;
    prefix: string;
    hmacSecret: string;
  }): Promise<CentrifugoCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'campzone-centrifugo-'));
    const nodes: CentrifugoNode[] = [];
    const cluster = new CentrifugoCluster(nodes, dir);
    try {
      for (let i = 0; i < options.nodes; i++) {
        const port = await getFreePort();
        const config = join(dir, `node-${i + 1}.json`);
        await writeFile(config, JSON.stringify(centrifugoConfig({ ...options, port }), null, 2));
        const name = `centrifugo-${i + 1}`;
        const proc = await startProcess({
          name,
          command: options.binary,
          args: ['--config', config],
          env: {},
          cwd: dir,
          readyUrl: `http://127.0.0.1:${port}/health`,
        });
        nodes.push({ name, url: `ws://127.0.0.1:${port}/connection/websocket`, proc });
      }
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  pids(): Record<string, number> {
    return Object.fromEntries(this.nodes.filter((n) => n.proc.running).map((n) => [n.name, n.proc.pid]));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.proc.stop(5000)));
    await rm(this.dir, { recursive: true, force: true });
  }
}
