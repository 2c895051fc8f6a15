import { DeliveryCursors, LuaRunner, type RedisClient, RedisKeys } from '@campzone/realtime';
import { createStore, ensureIndexes, type Store } from '@campzone/store';
import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { MemberCursorReader } from '../src/delivery/member-cursors';
import { serviceUrls } from './harness/stack';

const ns = uniqueNamespace(__filename);
let mongo: MongoClient;
let redis: RedisClient;
let store: Store;
let redisCursors: DeliveryCursors;
/** Reads of the members' rows that reached MongoDB. */
let storeReads = 0;
const countedParticipants = {
  cursorsOfRooms(roomIds: string[]) {
    storeReads += 1;
    return store.participants.cursorsOfRooms(roomIds);
  },
};

beforeAll(async () => {
  const { redisUrl, mongoUrl } = serviceUrls();
  mongo = await MongoClient.connect(mongoUrl);
  const db = mongo.db(ns.db);
  await ensureIndexes(db);
  store = createStore(db);
  redis = createClient({ url: redisUrl });
  await redis.connect();
  const keys = new RedisKeys(ns.prefix);
  const lua = new LuaRunner(redis);
  await lua.loadAll();
  redisCursors = new DeliveryCursors(lua, keys, redis);
  await redis.hSet(keys.roomCounters('c1'), 'seq', '10');
  await store.participants.upsert('c1', ['ann', 'bob'], 'member');
});
afterAll(async () => {
  await Promise.allSettled([redis.quit(), mongo.close()]);
  await dropNamespace(ns, serviceUrls());
});
beforeEach(() => {
  storeReads = 0;
});

test("with a max age, a room's rows are read once for that long while Redis acks are read every time", async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, 300);
  await reader.forRooms(['c1']);
  await redisCursors.advance('c1', 'bob', 4);
  await store.participants.upsert('c1', ['cid'], 'member');
  const second = (await reader.forRooms(['c1', 'c1'])).get('c1')!;
  expect(storeReads).toBe(1);
  expect(second.get('bob')?.delivered).toBe(4);
  // A member added meanwhile counts once the rows are older than the max age.
  expect(second.has('cid')).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 350));
  expect((await reader.forRooms(['c1'])).get('c1')?.has('cid')).toBe(true);
  expect(storeReads).toBe(2);
});

test('without a max age (rollups) every read asks MongoDB, so a new member counts at once', async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors);
  await reader.forRooms(['c1']);
  await store.participants.upsert('c1', ['dee'], 'member');
  expect((await reader.forRooms(['c1'])).get('c1')?.has('dee')).toBe(true);
  expect(storeReads).toBe(2);
});
