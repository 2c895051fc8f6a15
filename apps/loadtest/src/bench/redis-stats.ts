import { createClient } from 'redis';

/** What one Redis server has done so far, from `INFO commandstats` and `INFO stats`. */
export interface RedisCounters {
  /** Calls by command name (lower case; `cmdstat_publish` -> `publish`). */
  calls: Record<string, number>;
  netInputBytes: number;
  netOutputBytes: number;
}

/** What a Redis server did between two readings. */
export interface RedisStatsDelta {
  /** Every command but the INFO calls of the measurement itself. */
  commands: number;
  /** By command, the busiest first, INFO left out. */
  byCommand: Record<string, number>;
  netInputBytes: number;
  netOutputBytes: number;
}

/** Parses `INFO commandstats` + `INFO stats` text (CRLF or LF lines; other sections ignored). */
export function parseRedisInfo(text: string): RedisCounters {
  const counters: RedisCounters = { calls: {}, netInputBytes: 0, netOutputBytes: 0 };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const stat = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (stat) counters.calls[stat[1]!.toLowerCase()] = Number(stat[2]);
    else if (line.startsWith('total_net_input_bytes:')) counters.netInputBytes = Number(line.slice(line.indexOf(':') + 1));
    else if (line.startsWith('total_net_output_bytes:')) counters.netOutputBytes = Number(line.slice(line.indexOf(':') + 1));
  }
  return counters;
}

/**
 * The difference of two readings. The INFO calls are the measurement's own and are left out;
 * a command absent before (first call in between) counts from zero.
 */
export function redisDelta(before: RedisCounters, after: RedisCounters): RedisStatsDelta {
  const byCommand: Record<string, number> = {};
  for (const [command, calls] of Object.entries(after.calls)) {
    if (command === 'info') continue;
    const delta = calls - (before.calls[command] ?? 0);
    if (delta > 0) byCommand[command] = delta;
  }
  const sorted = Object.fromEntries(Object.entries(byCommand).sort((a, b) => b[1] - a[1]));
  return {
    commands: Object.values(byCommand).reduce((a, b) => a + b, 0),
    byCommand: sorted,
    netInputBytes: after.netInputBytes - before.netInputBytes,
    netOutputBytes: after.netOutputBytes - before.netOutputBytes,
  };
}

/**
 * Reads a Redis server's counters before and after a step, on a connection of its own (its
 * two INFO calls are excluded from the delta; their bytes, a few kB, are not).
 */
export class RedisStatsProbe {
  private before: RedisCounters | undefined;

  private constructor(private readonly client: ReturnType<typeof createClient>) {}

  static async open(url: string): Promise<RedisStatsProbe> {
    const client = createClient({ url });
    client.on('error', () => undefined);
    await client.connect();
    return new RedisStatsProbe(client);
  }

  async read(): Promise<RedisCounters> {
    const [commandstats, stats] = await Promise.all([this.client.info('commandstats'), this.client.info('stats')]);
    return parseRedisInfo(`${commandstats}\n${stats}`);
  }

  async start(): Promise<void> {
    this.before = await this.read();
  }

  async stop(): Promise<RedisStatsDelta | undefined> {
    if (!this.before) return undefined;
    const delta = redisDelta(this.before, await this.read());
    this.before = undefined;
    return delta;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}
