import { ChatError, ErrorCode } from '@campzone/protocol';
import { createStore, ensureIndexes, type ParticipantRepository } from '@campzone/store';
import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { type Db, MongoClient } from 'mongodb';
import { MembershipService } from '../src/chat/membership.service';
import { serviceUrls } from './harness/gateway-cluster';

const ns = uniqueNamespace('membership');
let client: MongoClient;
let db: Db;
let participants: ParticipantRepository;
/** Membership queries that reached the store. */
let queries = 0;
const counted = {
  membershipOf(roomId: string, userId: string) {
    queries += 1;
    return participants.membershipOf(roomId, userId);
  },
  roomsOf(userId: string) {
    queries += 1;
    return participants.roomsOf(userId);
  },
};

beforeAll(async () => {
  client = await MongoClient.connect(serviceUrls().mongoUrl);
  db = client.db(ns.db);
  await ensureIndexes(db);
  participants = createStore(db).participants;
  await participants.upsert('maths', ['ann'], 'member');
  await participants.upsert('maths', ['boss'], 'admin');
});

afterAll(async () => {
  await dropNamespace(ns, { mongoUrl: serviceUrls().mongoUrl });
  await client.close();
});

beforeEach(() => {
  queries = 0;
});

async function codeOf(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    if (err instanceof ChatError) return err.code;
    throw err;
  }
}

test('concurrent checks of one member cost one query, later checks none', async () => {
  const membership = new MembershipService(counted);
  await Promise.all([1, 2, 3, 4].map(() => membership.requireMember('maths', 'ann')));
  await membership.requireMember('maths', 'ann');
  expect(queries).toBe(1);
});

test("a connecting user's rooms are read once and their memberships need no further query", async () => {
  await participants.upsert('physics', ['ann'], 'member');
  await participants.setMute('physics', 'ann', new Date(Date.now() + 60_000));
  const membership = new MembershipService(counted);
  expect((await membership.roomsOf('ann')).sort()).toEqual(['maths', 'physics']);
  expect(await membership.member('physics', 'ann')).toEqual(await participants.membershipOf('physics', 'ann'));
  expect((await membership.member('physics', 'ann')).mutedUntil).toBeInstanceOf(Date);
  await membership.requireMember('maths', 'ann');
  // Removed elsewhere: the pod's signal drops the primed entry like a looked-up one.
  membership.forget('maths', ['ann']);
  await participants.remove('maths', ['ann']);
  expect(await codeOf(membership.requireMember('maths', 'ann'))).toBe(ErrorCode.FORBIDDEN);
  await participants.upsert('maths', ['ann'], 'member');
  expect(queries).toBe(2);
});

test('a refusal is not remembered: a user added afterwards is let in at once', async () => {
  const membership = new MembershipService(counted);
  expect(await codeOf(membership.requireMember('maths', 'cid'))).toBe(ErrorCode.FORBIDDEN);
  await participants.upsert('maths', ['cid'], 'member');
  expect(await codeOf(membership.requireMember('maths', 'cid'))).toBeUndefined();
  expect(queries).toBe(2);
});

test('admin checks read the current role, so a demoted admin is refused on the next call', async () => {
  const membership = new MembershipService(counted);
  expect(await codeOf(membership.requireAdmin('maths', 'boss'))).toBeUndefined();
  await participants.upsert('maths', ['boss'], 'member');
  expect(await codeOf(membership.requireAdmin('maths', 'boss'))).toBe(ErrorCode.FORBIDDEN);
  expect(await codeOf(membership.requireAdmin('maths', 'nobody'))).toBe(ErrorCode.FORBIDDEN);
});
