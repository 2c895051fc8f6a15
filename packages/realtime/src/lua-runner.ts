import { luaScripts } from './lua/scripts.generated';
import type { ScriptClient } from './redis-client';

export type ScriptName = keyof typeof luaScripts;
type Reply = Awaited<ReturnType<ScriptClient['evalSha']>>;

/**
 * Calls scripts by SHA; the SHA is the content's, so releases with different scripts can
 * share one Redis. A server that lost its script cache (restart, failover) answers NOSCRIPT:
 * the script is loaded again and the call repeated once.
 */
export class LuaRunner {
  constructor(private readonly client: ScriptClient) {}

  async run(name: ScriptName, keys: string[], args: Array<string | number | Buffer>): Promise<Reply> {
    const script = luaScripts[name];
    if (keys.length !== script.numberOfKeys) {
      throw new Error(`Lua ${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
    }
    // Buffers (binary Socket.IO packets) go to Redis as they are: node-redis v4 sends Buffer
    // arguments byte for byte, though its EvalOptions type names only strings.
    const options = { keys, arguments: args.map((a) => (typeof a === 'number' ? String(a) : a)) as string[] };
    try {
      return await this.client.evalSha(script.sha, options);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      await this.client.scriptLoad(script.source);
      return await this.client.evalSha(script.sha, options);
    }
  }

  /** Loads every script up front so the first message does not pay for it. */
  async loadAll(): Promise<void> {
    for (const script of Object.values(luaScripts)) await this.client.scriptLoad(script.source);
  }
}
