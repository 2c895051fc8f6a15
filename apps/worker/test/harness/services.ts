import { type ChatQueues, closeQueues, createQueueConnection, openQueues } from '@campzone/queue';
import {
  connectRedisClients,
  createStartupRedisConnection,
  LuaRunner,
  type RedisConnection,
  RedisKeys,
  RosterVersions,
} from '@campzone/realtime';
import { createStore, ensureIndexes, type Store } from '@campzone/store';
import { dropNamespace, type TestNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { redisTarget, serviceUrls } from './stack';

/**
 * A test file's own database and key prefix on the run's Redis (one Redis, or the cluster on the
 * cluster pass) and MongoDB, for processor-level tests.
 */
export interface FileServices {
  store: Store;
  redis: RedisConnection;
  keys: RedisKeys;
  lua: LuaRunner;
  /** The app's queues on this Redis under the file's prefix; close() closes them. */
  openQueues(): ChatQueues;
  close(): Promise<void>;
}

export async function openFileServices(ns: TestNamespace): Promise<FileServices> {
  const { mongoUrl } = serviceUrls();
  const mongo = await MongoClient.connect(mongoUrl);
  const db = mongo.db(ns.db);
  await ensureIndexes(db);
  const target = redisTarget();
  const redis = createStartupRedisConnection(target);
  await connectRedisClients([redis]);
  const lua = LuaRunner.for(redis);
  await lua.loadAll();
  const keys = new RedisKeys(ns.prefix);
  const queueConnection = createQueueConnection(target);
  const opened: ChatQueues[] = [];
  const roster = new RosterVersions(keys, redis);
  return {
    // As the gateways do: writes to participants delete the room's roster token.
    store: createStore(db, { rosterChanged: (roomId) => roster.changed(roomId) }),
    redis,
    keys,
    lua,
    openQueues() {
      const queues = openQueues({ connection: queueConnection.connection, prefix: keys.bullPrefix(target.mode) });
      opened.push(queues);
      return queues;
    },
    async close() {
      await Promise.allSettled(opened.map((queues) => closeQueues(queues)));
      await Promise.allSettled([redis.quit(), mongo.close(), queueConnection.close()]);
      await dropNamespace(ns, serviceUrls());
    },
  };
}
