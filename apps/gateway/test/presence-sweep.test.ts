import { LuaRunner, Presence, type RedisConnection, RedisKeys } from '@campzone/realtime';
import { createStore, ensureIndexes, type Store } from '@campzone/store';
import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { PresenceService } from '../src/chat/presence.service';
import { connectTestRedis, serviceUrls } from './harness/gateway-cluster';

// A sweep's Redis claim is final: whatever fails after it (the MongoDB mirror, the rooms
// lookup) must not lose the user_left it owes, and a dead pod's users cost one query.

const ns = uniqueNamespace(__filename);
const USERS = Array.from({ length: 400 }, (_, i) => `camper-${i}`);
let redis: RedisConnection;
let presence: Presence;
let mongo: MongoClient;
let store: Store;
/** A store whose client was closed: every operation fails, as with MongoDB unreachable. */
let unreachable: Store;
let participantFinds = 0;

beforeAll(async () => {
  const urls = serviceUrls();
  redis = await connectTestRedis();
  const keys = new RedisKeys(ns.prefix);
  presence = new Presence(LuaRunner.for(redis), keys, redis);
  mongo = await MongoClient.connect(urls.mongoUrl, { monitorCommands: true });
  mongo.on('commandStarted', (e) => {
    if (e.commandName === 'find' && e.command.find === 'chat_participants') participantFinds++;
  });
  const db = mongo.db(ns.db);
  await ensureIndexes(db);
  store = createStore(db);
  await store.participants.upsert('camp-a', USERS, 'member');
  await store.participants.upsert('camp-b', USERS.slice(0, 100), 'member');
  const closed = await MongoClient.connect(urls.mongoUrl);
  await closed.close();
  unreachable = createStore(closed.db(ns.db));
});

afterAll(async () => {
  await redis.quit();
  await mongo.close();
  await dropNamespace(ns, serviceUrls());
});

/** A pod that held every user's only socket, and whose lease lapsed. */
async function deadPodWithEveryone(podId: string): Promise<void> {
  const keys = new RedisKeys(ns.prefix);
  await presence.heartbeat(podId, 60_000, true);
  await Promise.all(USERS.map((u) => presence.connect(podId, u)));
  await redis.zAdd(keys.presencePods(), { score: 0, value: podId });
}

function capturedLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

test('a swept pod’s users are announced from one rooms query even when the MongoDB mirror write fails', async () => {
  await deadPodWithEveryone('gw-dead-1');
  const { logger, lines } = capturedLogger();
  const sweeper = new PresenceService(presence, unreachable.users, store.participants, 'gw-sweeper-1', 60_000, logger);
  participantFinds = 0;

  const gone = await sweeper.sweep();

  expect(participantFinds).toBe(1);
  expect(gone).toHaveLength(USERS.length);
  const roomsOf = new Map(gone.map((g) => [g.userId, [...g.roomIds].sort()]));
  expect(roomsOf.get('camper-0')).toEqual(['camp-a', 'camp-b']);
  expect(roomsOf.get('camper-399')).toEqual(['camp-a']);
  expect(await presence.onlineUsers(USERS)).toEqual(new Set());
  // The mirror's failure is logged, not thrown at the sweep.
  await sweeper.stop();
  expect(lines).toContainEqual(expect.objectContaining({ level: 40, users: USERS.length }));
});

test('a sweep whose rooms lookup fails logs how many users it could not announce', async () => {
  await deadPodWithEveryone('gw-dead-2');
  const { logger, lines } = capturedLogger();
  const sweeper = new PresenceService(presence, store.users, unreachable.participants, 'gw-sweeper-2', 60_000, logger);

  const gone = await sweeper.sweep();

  expect(gone.map((g) => g.userId).sort()).toEqual([...USERS].sort());
  expect(gone.every((g) => g.roomIds.length === 0)).toBe(true);
  expect(lines).toContainEqual(expect.objectContaining({ level: 40, users: USERS.length, msg: expect.stringMatching(/not announced/) }));
  await sweeper.stop();
  // The mirror still records them offline.
  const offline = await store.collections.users.countDocuments({ userId: { $in: USERS }, isOnline: false });
  expect(offline).toBe(USERS.length);
});
