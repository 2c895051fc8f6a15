import { keySlot, sameSlot } from './key-slot';
import { luaScripts } from './lua/scripts.generated';
import { isCluster, type RedisConnection, type ScriptClient } from './redis-client';

export type ScriptName = keyof typeof luaScripts;
type Reply = Awaited<ReturnType<ScriptClient['evalSha']>>;

/** A script called with keys that Redis Cluster would serve from different slots: a bug in the caller. */
export class CrossSlotScriptError extends Error {
  override readonly name = 'CrossSlotScriptError';

  constructor(
    readonly script: ScriptName,
    readonly keys: readonly string[],
  ) {
    super(
      `Lua ${script} was called with keys in different Redis Cluster slots (${keys.map((k) => `${k} -> ${keySlot(k)}`).join(', ')}); ` +
        'keys of one script must share a {hash tag}',
    );
  }
}

/**
 * Calls scripts by SHA; the SHA is the content's, so releases with different scripts can
 * share one Redis. A server that lost its script cache (restart, failover, a cluster node
 * that never saw the script) answers NOSCRIPT: the call is repeated once with EVAL, which runs
 * the script and caches it on the server that serves the keys.
 * Every call's keys must hash to one slot, checked here on one Redis too, so a script that
 * would fail on a Redis Cluster fails in every test.
 */
export class LuaRunner {
  constructor(
    private readonly client: ScriptClient,
    /** Loads a script on every server that may run it (a cluster has several); SCRIPT LOAD on one Redis. */
    private readonly preload?: (source: string) => Promise<unknown>,
  ) {}

  /** A runner whose loadAll() loads the scripts on the one Redis, or on every master of a cluster. */
  static for(connection: RedisConnection): LuaRunner {
    if (!isCluster(connection)) return new LuaRunner(connection, (source) => connection.scriptLoad(source));
    // node-redis 4's cluster reads EVALSHA's first key from the wrong argument and sends scripts
    // to a random master (answered MOVED); the script's first key routes them here instead.
    type EvalOptions = { keys: string[]; arguments: Array<string | Buffer> };
    const send = (command: 'EVALSHA' | 'EVAL', body: string, options: EvalOptions) =>
      connection.sendCommand(options.keys[0], false, [command, body, String(options.keys.length), ...options.keys, ...options.arguments]);
    const client = {
      evalSha: (sha: string, options: EvalOptions) => send('EVALSHA', sha, options),
      eval: (source: string, options: EvalOptions) => send('EVAL', source, options),
    } as unknown as ScriptClient;
    return new LuaRunner(client, (source) =>
      Promise.all(connection.masters.map(async (master) => (await connection.nodeClient(master)).scriptLoad(source))),
    );
  }

  async run(name: ScriptName, keys: string[], args: Array<string | number | Buffer>): Promise<Reply> {
    const script = luaScripts[name];
    if (keys.length !== script.numberOfKeys) {
      throw new Error(`Lua ${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
    }
    if (!sameSlot(keys)) throw new CrossSlotScriptError(name, keys);
    // Buffers (binary Socket.IO packets) go to Redis as they are: node-redis v4 sends Buffer
    // arguments byte for byte, though its EvalOptions type names only strings.
    const options = { keys, arguments: args.map((a) => (typeof a === 'number' ? String(a) : a)) as string[] };
    try {
      return await this.client.evalSha(script.sha, options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await this.client.eval(script.source, options);
    }
  }

  /** Loads every script up front so the first message does not pay for it. */
  async loadAll(): Promise<void> {
    if (!this.preload) return;
    for (const script of Object.values(luaScripts)) await this.preload(script.source);
  }
}
