import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { LuaRunner, type RedisClient, RedisKeys } from '../src';

/** A Redis connection and a key prefix of this test file's own, removed afterwards. */
export async function openRealtime(): Promise<{ client: RedisClient; lua: LuaRunner; keys: RedisKeys; close(): Promise<void> }> {
  const client: RedisClient = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  await client.connect();
  const keys = new RedisKeys(`t${randomBytes(4).toString('hex')}`);
  return {
    client,
    lua: new LuaRunner(client),
    keys,
    async close() {
      const leftovers = await client.keys(`${keys.prefix}:*`);
      if (leftovers.length > 0) await client.del(leftovers);
      await client.quit();
    },
  };
}
