import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import {
  CollectionName,
  createStore,
  ensureIndexes,
  ObjectId,
  type RoomFilterViolation,
  roomFilterViolations,
  type StoreWrite,
  watchRoomFilters,
  watchStoreWrites,
  writesOf,
} from '../src';

test('an update, delete, find or aggregate of room data addressed without roomId is a violation', () => {
  const id = new ObjectId();
  expect(
    roomFilterViolations('update', { update: 'message_queue_log', updates: [{ q: { _id: id }, u: { $set: { status: 'DELIVERED' } } }] }),
  ).toEqual([{ collection: 'message_queue_log', command: 'update', filter: { _id: id } }]);
  expect(roomFilterViolations('delete', { delete: 'messages', deletes: [{ q: { _id: id }, limit: 1 }] })).toHaveLength(1);
  expect(roomFilterViolations('find', { find: 'chat_participants', filter: { _id: id } })).toHaveLength(1);
  expect(
    roomFilterViolations('aggregate', { aggregate: 'messages', pipeline: [{ $match: { senderId: 'ann' } }, { $count: 'n' }] }),
  ).toHaveLength(1);
  expect(roomFilterViolations('findAndModify', { findAndModify: 'message_reports', query: { _id: id } })).toHaveLength(1);
  expect(roomFilterViolations('insert', { insert: 'messages', documents: [{ _id: id, content: 'x' }] })).toHaveLength(1);
  // One bad statement among good ones is still caught.
  const mixed = { update: 'chat_participants', updates: [{ q: { roomId: 'r', _id: id } }, { q: { _id: id } }] };
  expect(roomFilterViolations('update', mixed)).toHaveLength(1);
});

test('room-addressed statements, the declared cross-room queries and other collections pass', () => {
  const id = new ObjectId();
  expect(roomFilterViolations('update', { update: 'message_queue_log', updates: [{ q: { roomId: 'r', _id: { $in: [id] } } }] })).toEqual(
    [],
  );
  expect(roomFilterViolations('find', { find: 'messages', filter: { $and: [{ roomId: 'r' }, { seq: { $gt: 1 } }] } })).toEqual([]);
  expect(roomFilterViolations('find', { find: 'message_status_floors', filter: { _id: 'r' } })).toEqual([]);
  expect(roomFilterViolations('find', { find: 'messages', filter: { senderId: 'ann', idempotencyKey: 'k' } })).toEqual([]);
  expect(roomFilterViolations('find', { find: 'chat_participants', filter: { userId: 'ann' } })).toEqual([]);
  expect(roomFilterViolations('update', { update: 'users', updates: [{ q: { userId: 'ann' } }] })).toEqual([]);
  expect(roomFilterViolations('insert', { insert: 'messages', documents: [{ roomId: 'r', seq: 1 }] })).toEqual([]);
  // A declared shape with one more field is not declared any more.
  expect(roomFilterViolations('find', { find: 'chat_participants', filter: { userId: 'ann', role: 'owner' } })).toHaveLength(1);
});

test('writes are counted by statement: inserted documents, update and delete statements', () => {
  expect(writesOf('insert', { insert: 'messages', documents: [{}, {}, {}] })).toEqual({ collection: 'messages', op: 'insert', count: 3 });
  expect(writesOf('update', { update: 'chat_participants', updates: [{}, {}] })).toEqual({
    collection: 'chat_participants',
    op: 'update',
    count: 2,
  });
  expect(writesOf('delete', { delete: 'message_queue_log', deletes: [{}] })).toEqual({
    collection: 'message_queue_log',
    op: 'delete',
    count: 1,
  });
  expect(writesOf('findAndModify', { findAndModify: 'room_bans', remove: true })).toEqual({
    collection: 'room_bans',
    op: 'delete',
    count: 1,
  });
  expect(writesOf('find', { find: 'messages', filter: {} })).toBeNull();
});

describe('on a live client with command monitoring', () => {
  let client: MongoClient;
  const violations: RoomFilterViolation[] = [];
  const writes: StoreWrite[] = [];
  const dbName = `guard_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    const url = process.env.MONGO_URL;
    if (!url) throw new Error('MONGO_URL is not set: run the tests through @campzone/testkit (npm test)');
    client = new MongoClient(url, { monitorCommands: true });
    await client.connect();
    await ensureIndexes(client.db(dbName));
    watchRoomFilters(client, (v) => violations.push(v));
    watchStoreWrites(client, (w) => writes.push(w));
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  test('an `_id`-only update sent through the driver is caught', async () => {
    const log = client.db(dbName).collection(CollectionName.queueLog);
    await log.updateOne({ _id: new ObjectId() }, { $set: { status: 'DELIVERED' } });
    expect(violations.splice(0)).toEqual([expect.objectContaining({ collection: 'message_queue_log', command: 'update' })]);
  });

  test("the repositories' room-data reads and writes all name the room", async () => {
    const store = createStore(client.db(dbName));
    const roomId = 'guarded';
    const now = new Date();
    await store.rooms.create({ roomId, roomName: 'G', roomType: 'group', createdBy: 'ann', createdAt: now });
    await store.participants.upsert(roomId, ['ann', 'ben'], 'member');
    await store.participants.insertNew(roomId, ['cat'], 'member');
    const ann = (await store.participants.membershipOf(roomId, 'ann'))!;
    await store.participants.advanceDelivered([{ roomId, participantId: ann.participantId, seq: 1 }]);
    await store.participants.advanceRead(roomId, 'ann', 1, now);
    await store.participants.setRoles(roomId, [{ userId: 'ben', role: 'admin' }]);
    await store.participants.setMute(roomId, 'cat', new Date(Date.now() + 60_000));
    await store.participants.cursorsOfRooms([roomId]);
    await store.participants.roster(roomId);
    await store.participants.roomsOf('ann');
    const id = new ObjectId();
    const message = { _id: id, roomId, senderId: 'ann', content: 'hi', lamportTimestamp: 1, seq: 1, rev: 1, idempotencyKey: 'k1' };
    await store.collections.messages.insertOne({ ...message, status: 'PENDING', messageType: 'text', createdAt: now });
    await store.messages.findBySenderKey('ann', 'k1');
    await store.messages.findById(roomId, id.toHexString());
    await store.messages.afterSeq(roomId, 0, 10);
    await store.messages.latest(roomId, 10);
    await store.messages.latestCounters(roomId);
    await store.messages.unreadFor(roomId, 'ben', 0);
    await store.messages.raiseStatusOf(roomId, [id.toHexString()], 'DELIVERED');
    await store.messages.createdBetween(new Date(0), new Date(Date.now() + 1000), 10);
    await store.messageChanges.apply(roomId, id, 1, { rev: 2, content: 'edited', editedAt: now });
    await store.messageChanges.eraseEdits(roomId, id);
    await store.receipts.record({ messageId: id, roomId, userId: 'ben', readAt: now });
    await store.receipts.countFor(roomId, id);
    await store.statusFloors.raise(roomId, { DELIVERED: 1 });
    await store.statusFloors.getMany([roomId]);
    const tracked = { messageId: id.toHexString(), roomId, seq: 1 };
    await store.queueLog.openRetried([tracked], 3, now);
    await store.queueLog.markRetry([tracked], 2, now);
    await store.queueLog.markFailed([{ ...tracked, errorMessage: 'x' }]);
    await store.queueLog.markDelivered([tracked]);
    await store.queueLog.failOverdue(now, 'lost');
    await store.queueLog.deleteFinishedBefore(now);
    await store.bans.ban({ roomId, userId: 'dan', reason: 'r', bannedBy: 'ann', bannedAt: now });
    await store.bans.lift(roomId, 'dan');
    await store.audit.append([{ roomId, actorId: 'ann', action: 'test' }]);
    await store.audit.page(roomId, 10);
    await store.participants.remove(roomId, ['cat']);
    expect(violations).toEqual([]);
    expect(writes.length).toBeGreaterThan(10);
  });
});
