import { DeliveryCursors, LuaRunner, MessageCounters, type RedisConnection, RedisKeys } from '@campzone/realtime';
import { createStore, ensureIndexes, type MessageDoc, ObjectId, type Store } from '@campzone/store';
import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { type CounterSeeding, DeliveryAckService } from '../src/chat/delivery-ack.service';
import { connectTestRedis, serviceUrls } from './harness/gateway-cluster';

// Delivery acks: a room's acks gathered into one Redis call, and a room whose messages MongoDB
// holds while Redis has lost its counters (a Redis restart without persistence): acks must
// neither stick past the stored messages nor be lost.

const ns = uniqueNamespace(__filename);
let mongo: MongoClient;
let redis: RedisConnection;
let store: Store;
let lua: LuaRunner;
const keys = new RedisKeys(ns.prefix);
const services: DeliveryAckService[] = [];

beforeAll(async () => {
  mongo = await MongoClient.connect(serviceUrls().mongoUrl);
  const db = mongo.db(ns.db);
  await ensureIndexes(db);
  store = createStore(db);
  redis = await connectTestRedis();
  lua = LuaRunner.for(redis);
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

function ackService(seeding?: CounterSeeding, cursors = new DeliveryCursors(lua, keys, redis)): DeliveryAckService {
  const service = new DeliveryAckService(cursors, store.participants, () => undefined, pino({ level: 'silent' }), 50, seeding);
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

/** The real cursors, counting the Redis calls made through them. */
class CountedCursors extends DeliveryCursors {
  calls = 0;
  override advance(...args: Parameters<DeliveryCursors['advance']>) {
    this.calls += 1;
    return super.advance(...args);
  }
}

test("a room's acks that arrive together move in one Redis call, each answered with its own cursor", async () => {
  const roomId = 'together';
  await store.participants.upsert(roomId, ['cat', 'dan', 'eve'], 'member');
  await redis.hSet(keys.roomCounters(roomId), { seq: '7', lamport: '7', rev: '7' });
  const cursors = new CountedCursors(lua, keys, redis);
  const acks = ackService(undefined, cursors);
  const member = (userId: string) => ({ roomId, userId, participantId: new ObjectId().toHexString() });
  const answers = await Promise.all([
    acks.ack(member('cat'), 3),
    acks.ack(member('dan'), 7),
    acks.ack(member('eve'), 50),
    // The same member twice in one window: the higher seq stands, and both are told it.
    acks.ack(member('cat'), 5),
  ]);
  expect(answers).toEqual([5, 7, 7, 5]);
  expect(cursors.calls).toBe(1);
  expect(await redis.hGetAll(keys.deliveredCursors(roomId))).toEqual({ cat: '5', dan: '7', eve: '7' });
});

test('acks still waiting for their window are moved when the service stops (a draining pod)', async () => {
  const roomId = 'draining';
  await redis.hSet(keys.roomCounters(roomId), { seq: '4', lamport: '4', rev: '4' });
  const acks = new DeliveryAckService(
    new DeliveryCursors(lua, keys, redis),
    store.participants,
    () => undefined,
    pino({ level: 'silent' }),
    50,
  );
  const answer = acks.ack({ roomId, userId: 'fay', participantId: new ObjectId().toHexString() }, 4);
  await acks.stop();
  expect(await answer).toBe(4);
  expect(await redis.hGet(keys.deliveredCursors(roomId), 'fay')).toBe('4');
});
