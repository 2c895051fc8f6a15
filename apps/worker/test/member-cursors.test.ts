import { DeliveryCursors, RosterVersions } from '@campzone/realtime';
import { uniqueNamespace } from '@campzone/testkit';
import { MemberCursorReader } from '../src/delivery/member-cursors';
import { type FileServices, openFileServices } from './harness/services';

let services: FileServices;
let redisCursors: DeliveryCursors;
let versions: RosterVersions;
/** Reads of the members' rows that reached MongoDB. */
let storeReads = 0;
const countedParticipants = {
  cursorsOfRooms(roomIds: string[]) {
    storeReads += 1;
    return services.store.participants.cursorsOfRooms(roomIds);
  },
};

beforeAll(async () => {
  services = await openFileServices(uniqueNamespace(__filename));
  const { lua, keys, redis, store } = services;
  redisCursors = new DeliveryCursors(lua, keys, redis);
  versions = new RosterVersions(keys, redis);
  await redis.hSet(keys.roomCounters('c1'), 'seq', '10');
  await store.participants.upsert('c1', ['ann', 'bob'], 'member');
});
afterAll(() => services?.close());
beforeEach(() => {
  storeReads = 0;
});

test("while the room's roster token stands its rows are read once, and Redis acks every time", async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, { versions });
  await reader.forRooms(['c1']);
  await redisCursors.advance('c1', [{ userId: 'bob', seq: 4 }]);
  const second = (await reader.forRooms(['c1', 'c1'])).get('c1')!;
  expect(storeReads).toBe(1);
  expect(second.get('bob')?.delivered).toBe(4);
});

test('a member added or removed, or a read cursor raised, counts at the next read', async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, { versions });
  const members = async () => (await reader.forRooms(['c1'])).get('c1')!;
  await members();
  await services.store.participants.upsert('c1', ['cid'], 'member');
  expect((await members()).has('cid')).toBe(true);
  await services.store.participants.advanceRead('c1', 'ann', 7, new Date());
  expect((await members()).get('ann')).toEqual({ delivered: 7, read: 7 });
  await services.store.participants.remove('c1', ['cid']);
  expect((await members()).has('cid')).toBe(false);
  await services.store.participants.addBot('c1', 'bot-1');
  expect((await members()).has('bot-1')).toBe(true);
  await services.store.participants.insertNew('c1', ['dee'], 'member');
  expect((await members()).has('dee')).toBe(true);
  expect(storeReads).toBe(6);
});

test('a lost token is a change; a write that never deleted it counts once the rows are older than the max age', async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, { versions, maxAgeMs: 300 });
  await reader.forRooms(['c1']);
  await services.redis.del(services.keys.rosterVersion('c1'));
  await reader.forRooms(['c1']);
  expect(storeReads).toBe(2);
  // A pod that died between its write and the delete.
  await services.store.collections.participants.insertOne({
    roomId: 'c1',
    userId: 'eve',
    role: 'member',
    joinedAt: new Date(),
    lastReadAt: null,
    lastReadSeq: 0,
    deliveredSeq: 0,
  });
  expect((await reader.forRooms(['c1'])).get('c1')?.has('eve')).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 350));
  expect((await reader.forRooms(['c1'])).get('c1')?.has('eve')).toBe(true);
  expect(storeReads).toBe(3);
});

test('without roster versions every read asks MongoDB', async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors);
  await reader.forRooms(['c1']);
  await reader.forRooms(['c1']);
  expect(storeReads).toBe(2);
});

test("a quiet room's rows are dropped once they expire, so the cache holds only the last max age's rooms", async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, { versions, maxAgeMs: 50 });
  await reader.forRooms(['c1', 'quiet-1', 'quiet-2']);
  expect(reader.heldRooms).toBe(3);
  await new Promise((resolve) => setTimeout(resolve, 80));
  await reader.forRooms(['c1']);
  expect(reader.heldRooms).toBe(1);
});

test('past the most rows it holds, the rooms read longest ago are dropped first', async () => {
  await services.store.participants.upsert('three', ['u1', 'u2', 'u3'], 'member');
  await services.store.participants.upsert('one', ['u1'], 'member');
  await services.store.participants.upsert('two', ['u1', 'u2'], 'member');
  const reader = new MemberCursorReader(countedParticipants, redisCursors, { versions, maxRows: 4 });
  await reader.forRooms(['three']);
  await reader.forRooms(['one']);
  expect(reader.heldRooms).toBe(2);
  // Six rows with `two`: `three`, read first, goes.
  await reader.forRooms(['two']);
  expect(reader.heldRooms).toBe(2);
  storeReads = 0;
  await reader.forRooms(['one', 'two']);
  expect(storeReads).toBe(0);
  await reader.forRooms(['three']);
  expect(storeReads).toBe(1);
});

test('after a Redis failover nothing held is trusted, nor rows read across it', async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, { versions });
  await reader.forRooms(['c1']);
  reader.forgetAll();
  expect(reader.heldRooms).toBe(0);
  // A read that started before the failover and ends after it is answered, not held.
  const across = reader.forRooms(['c1']);
  reader.forgetAll();
  await across;
  expect(reader.heldRooms).toBe(0);
  await reader.forRooms(['c1']);
  expect(reader.heldRooms).toBe(1);
  expect(storeReads).toBe(3);
});
