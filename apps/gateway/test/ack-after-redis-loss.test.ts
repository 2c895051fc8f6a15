import { DeliveryCursors, LuaRunner, MessageCounters, type RedisClient, RedisKeys } from '@campzone/realtime';
import { createStore, ensureIndexes, type MessageDoc, ObjectId, type Store } from '@campzone/store';
import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { createClient } from 'redis';
import { type CounterSeeding, DeliveryAckService } from '../src/chat/delivery-ack.service';
import { serviceUrls } from './harness/gateway-cluster';

// A room whose messages MongoDB holds while Redis has lost its counters (a Redis restart
// without persistence): acks must neither stick past the stored messages nor be lost.

const ns = uniqueNamespace(__filename);
let mongo: MongoClient;
let redis: RedisClient;
let store: Store;
let lua: LuaRunner;
const keys = new RedisKeys(ns.prefix);
const services: DeliveryAckService[] = [];

beforeAll(async () => {
  mongo = await MongoClient.connect(serviceUrls().mongoUrl);
  const db = mongo.db(ns.db);
  await ensureIndexes(db);
  store = createStore(db);
  redis = createClient({ url: serviceUrls().redisUrl });
  await redis.connect();
  lua = new LuaRunner(redis);
});
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await Promise.allSettled([redis.quit(), mongo.close()]);
  await dropNamespace(ns, serviceUrls());
});

/** A room with `count` stored messages and no counters in Redis; answers the member to ack as. */
async function roomAfterRedisLoss(roomId: string, count: number) {
  await store.participants.upsert(roomId, ['ann', 'bob'], 'member');
  const docs: MessageDoc[] = Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    roomId,
    senderId: 'ann',
    content: `m${i + 1}`,
    lamportTimestamp: i + 1,
    seq: i + 1,
    idempotencyKey: `${roomId}-${i}`,
    status: 'PENDING',
    messageType: 'text',
    createdAt: new Date(),
  }));
  await store.collections.messages.insertMany(docs);
  const membership = await store.participants.membershipOf(roomId, 'bob');
  if (!membership) throw new Error('bob is not a member');
  return { roomId, userId: 'bob', participantId: membership.participantId };
}

function ackService(seeding?: CounterSeeding): DeliveryAckService {
  const service = new DeliveryAckService(
    new DeliveryCursors(lua, keys, redis),
    store.participants,
    () => undefined,
    pino({ level: 'silent' }),
    50,
    seeding,
  );
  services.push(service);
  return service;
}

test('an honest ack after Redis lost the counters counts, and one past the stored messages stops at the last', async () => {
  const bob = await roomAfterRedisLoss('reseeded', 5);
  const acks = ackService({ counters: new MessageCounters(lua, keys), messages: store.messages });
  expect(await acks.ack(bob, 3)).toBe(3);
  expect(await acks.ack(bob, 1e12)).toBe(5);
  // The counters are back as MongoDB has them, so the room's next message follows seq 5.
  expect(await redis.hGet(keys.roomCounters('reseeded'), 'seq')).toBe('5');
});

test('without a way to seed the counters, an ack where they are missing leaves the cursor where it stood', async () => {
  const bob = await roomAfterRedisLoss('unseeded', 5);
  expect(await ackService().ack(bob, 1e12)).toBe(0);
  expect(await redis.hGetAll(keys.deliveredCursors('unseeded'))).toEqual({});
});
