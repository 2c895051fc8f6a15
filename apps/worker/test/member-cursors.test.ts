import { DeliveryCursors } from '@campzone/realtime';
import { uniqueNamespace } from '@campzone/testkit';
import { MemberCursorReader } from '../src/delivery/member-cursors';
import { type FileServices, openFileServices } from './harness/services';

let services: FileServices;
let redisCursors: DeliveryCursors;
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
  await redis.hSet(keys.roomCounters('c1'), 'seq', '10');
  await store.participants.upsert('c1', ['ann', 'bob'], 'member');
});
afterAll(() => services?.close());
beforeEach(() => {
  storeReads = 0;
});

test("with a max age, a room's rows are read once for that long while Redis acks are read every time", async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, 300);
  await reader.forRooms(['c1']);
  await redisCursors.advance('c1', [{ userId: 'bob', seq: 4 }]);
  await services.store.participants.upsert('c1', ['cid'], 'member');
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
  await services.store.participants.upsert('c1', ['dee'], 'member');
  expect((await reader.forRooms(['c1'])).get('c1')?.has('dee')).toBe(true);
  expect(storeReads).toBe(2);
});

test("a quiet room's rows are dropped once they expire, so the cache holds only the last max age's rooms", async () => {
  const reader = new MemberCursorReader(countedParticipants, redisCursors, 50);
  await reader.forRooms(['c1', 'quiet-1', 'quiet-2']);
  expect(reader.heldRooms).toBe(3);
  await new Promise((resolve) => setTimeout(resolve, 80));
  await reader.forRooms(['c1']);
  expect(reader.heldRooms).toBe(1);
});
