import { LuaRunner, type RedisClient, RedisKeys } from '@campzone/realtime';
import { createStore, ensureIndexes, type Store } from '@campzone/store';
import { dropNamespace, type TestNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { serviceUrls } from './stack';

/** A test file's own database and key prefix on the run's Redis and MongoDB, for processor-level tests. */
export interface FileServices {
  store: Store;
  redis: RedisClient;
  keys: RedisKeys;
  lua: LuaRunner;
  close(): Promise<void>;
}

export async function openFileServices(ns: TestNamespace): Promise<FileServices> {
  const { redisUrl, mongoUrl } = serviceUrls();
  const mongo = await MongoClient.connect(mongoUrl);
  const db = mongo.db(ns.db);
  await ensureIndexes(db);
  const redis: RedisClient = createClient({ url: redisUrl });
  await redis.connect();
  const lua = new LuaRunner(redis);
  await lua.loadAll();
  return {
    store: createStore(db),
    redis,
    keys: new RedisKeys(ns.prefix),
    lua,
    async close() {
      await Promise.allSettled([redis.quit(), mongo.close()]);
      await dropNamespace(ns, serviceUrls());
    },
  };
}
