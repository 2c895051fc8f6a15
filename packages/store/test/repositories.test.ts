import { ChatError } from '@campzone/protocol';
import { ensureIndexes, type MessageDoc, ObjectId, statusAt } from '../src';
import { openStore } from './store-fixture';

let fixture: Awaited<ReturnType<typeof openStore>>;
beforeAll(async () => {
  fixture = await openStore();
});
afterAll(() => fixture.close());

const seedMessages = async (roomId: string, count: number) => {
  const docs: MessageDoc[] = Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    roomId,
    senderId: 'bob',
    content: `m${i + 1}`,
    lamportTimestamp: 10 * (i + 1),
    seq: i + 1,
    idempotencyKey: `${roomId}-${i}`,
    status: 'PENDING',
    messageType: 'text',
    createdAt: new Date(),
  }));
  await fixture.store.collections.messages.insertMany(docs);
};

test('ensureIndexes can run again at every start', async () => {
  await expect(ensureIndexes(fixture.db)).resolves.toBeUndefined();
  const names = (await fixture.store.collections.messages.indexes()).map((i) => i.name);
  expect(names).toEqual(expect.arrayContaining(['roomId_seq_unique', 'senderId_idempotencyKey_unique', 'room_order']));
});

test('users without an email do not clash on the unique email index', async () => {
  const at = new Date();
  await fixture.store.users.markSeen([{ userId: 'u1', isOnline: true, at }]);
  await fixture.store.users.markSeen([{ userId: 'u2', isOnline: true, at }]);
  expect((await fixture.store.users.findById('u2'))?.isOnline).toBe(true);
});

test('markSeen creates users on first sight and records the latest presence of many in one call', async () => {
  const at = new Date('2026-01-02T03:04:05Z');
  await fixture.store.users.markSeen([
    { userId: 'seen-a', isOnline: true, at, username: 'Ada' },
    { userId: 'seen-b', isOnline: true, at },
  ]);
  await fixture.store.users.markSeen([{ userId: 'seen-a', isOnline: false, at }]);
  expect(await fixture.store.users.findById('seen-a')).toMatchObject({ username: 'Ada', isOnline: false, lastSeen: at, createdAt: at });
  expect(await fixture.store.users.findById('seen-b')).toMatchObject({ username: 'seen-b', isOnline: true });
});

test('latestCounters reads the highest seq, lamport and rev of the room only', async () => {
  await seedMessages('counters-a', 7);
  await seedMessages('counters-b', 3);
  expect(await fixture.store.messages.latestCounters('counters-a')).toEqual({ seq: 7, lamport: 70, rev: 0 });
  // A change raised an old message's rev above every later message's.
  await fixture.store.collections.messages.updateOne({ roomId: 'counters-a', seq: 2 }, { $set: { rev: 40 } });
  await fixture.store.collections.messages.updateOne({ roomId: 'counters-b', seq: 1 }, { $set: { rev: 90 } });
  expect(await fixture.store.messages.latestCounters('counters-a')).toEqual({ seq: 7, lamport: 70, rev: 40 });
  expect(await fixture.store.messages.latestCounters('empty-room')).toEqual({ seq: 0, lamport: 0, rev: 0 });
});

test('afterSeq pages forward in seq order and says when more remain', async () => {
  await seedMessages('paging', 12);
  const first = await fixture.store.messages.afterSeq('paging', 0, 5);
  expect(first.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(first.hasMore).toBe(true);
  const last = await fixture.store.messages.afterSeq('paging', 10, 5);
  expect(last.messages.map((m) => m.seq)).toEqual([11, 12]);
  expect(last.hasMore).toBe(false);
  expect(last.messages[0]).not.toHaveProperty('idempotencyKey');
  const latest = await fixture.store.messages.latest('paging', 3, { beforeSeq: 10 });
  expect(latest.messages.map((m) => m.seq)).toEqual([7, 8, 9]);
});

test("a message's status is its own, raised by the room's floors, which never go down", async () => {
  await seedMessages('floors', 6);
  await fixture.store.collections.messages.updateOne({ roomId: 'floors', seq: 5 }, { $set: { status: 'READ' } });
  expect(await fixture.store.statusFloors.get('floors')).toEqual({ DELIVERED: 0, READ: 0 });
  await fixture.store.statusFloors.raise('floors', { DELIVERED: 4 });
  await fixture.store.statusFloors.raise('floors', { READ: 2 });
  await fixture.store.statusFloors.raise('floors', { DELIVERED: 3 });
  const floors = await fixture.store.statusFloors.get('floors');
  expect(floors).toEqual({ DELIVERED: 4, READ: 2 });
  // Both in one statement: each rises on its own, neither goes down.
  await fixture.store.statusFloors.raise('both', { DELIVERED: 5, READ: 1 });
  await fixture.store.statusFloors.raise('both', { DELIVERED: 4, READ: 3 });
  expect(await fixture.store.statusFloors.get('both')).toEqual({ DELIVERED: 5, READ: 3 });
  const page = await fixture.store.messages.afterSeq('floors', 0, 10);
  expect(page.messages.map((m) => statusAt(m, floors))).toEqual(['READ', 'READ', 'DELIVERED', 'DELIVERED', 'READ', 'PENDING']);
  expect(await fixture.store.statusFloors.get('other-room')).toEqual({ DELIVERED: 0, READ: 0 });
});

test("a sender's messages below a status are found and raised by id, never lowered", async () => {
  const docs: MessageDoc[] = Array.from({ length: 6 }, (_, i) => ({
    _id: new ObjectId(),
    roomId: 'own-status',
    senderId: i % 2 === 0 ? 'ann' : 'ben',
    content: `m${i + 1}`,
    lamportTimestamp: i + 1,
    seq: i + 1,
    idempotencyKey: `own-status-${i}`,
    status: i === 2 ? 'READ' : 'PENDING',
    messageType: 'text',
    createdAt: new Date(),
  }));
  await fixture.store.collections.messages.insertMany(docs);
  const messages = fixture.store.messages;
  const fromAnn = await messages.fromSenderBelow('own-status', 'ann', { afterSeq: 1, uptoSeq: Number.POSITIVE_INFINITY }, 'DELIVERED', 10);
  expect(fromAnn.map((m) => m.seq)).toEqual([5]); // seq 3 is READ already
  const ids = [fromAnn[0]!.messageId, docs[2]!._id.toHexString()];
  expect(await messages.raiseStatusOf('own-status', ids, 'DELIVERED')).toBe(1);
  const all = await messages.afterSeq('own-status', 0, 10);
  expect(all.messages.map((m) => m.status)).toEqual(['PENDING', 'PENDING', 'READ', 'PENDING', 'DELIVERED', 'PENDING']);
  const found = await messages.findManyByIds('own-status', [docs[4]!._id.toHexString(), docs[0]!._id.toHexString(), 'not-an-id']);
  expect(found.map((m) => m.seq)).toEqual([1, 5]);
});

test('read and delivered cursors never go backwards', async () => {
  const participants = fixture.store.participants;
  await participants.upsert('cursors', ['ann', 'ben'], 'member');
  await participants.advanceRead('cursors', 'ann', 9, new Date(2000));
  await participants.advanceRead('cursors', 'ann', 4, new Date(3000));
  const ann = (await participants.membershipOf('cursors', 'ann'))!.participantId;
  const ben = (await participants.membershipOf('cursors', 'ben'))!.participantId;
  await participants.advanceDelivered([
    { roomId: 'cursors', participantId: ben, seq: 6 },
    { roomId: 'cursors', participantId: ann, seq: 40 },
  ]);
  await participants.advanceDelivered([{ roomId: 'cursors', participantId: ben, seq: 2 }]);
  const cursors = await fixture.store.participants.cursors('cursors');
  expect(cursors).toEqual(
    expect.arrayContaining([
      { userId: 'ann', deliveredSeq: 40, lastReadSeq: 9 },
      { userId: 'ben', deliveredSeq: 6, lastReadSeq: 0 },
    ]),
  );
  // Cursors a few seqs apart share one statement at the lower seq: a copy may lag, never lead.
  await participants.advanceDelivered([
    { roomId: 'cursors', participantId: ben, seq: 44 },
    { roomId: 'cursors', participantId: ann, seq: 45 },
  ]);
  const shared = await fixture.store.participants.cursors('cursors');
  expect(shared.map((c) => [c.userId, c.deliveredSeq]).sort()).toEqual([
    ['ann', 44],
    ['ben', 44],
  ]);
});

test('participants keep their cursors when their role changes', async () => {
  await fixture.store.participants.upsert('roles', ['cat'], 'member');
  await fixture.store.participants.advanceRead('roles', 'cat', 3, new Date());
  expect(await fixture.store.participants.upsert('roles', ['cat', 'dan'], 'admin')).toBe(1);
  expect(await fixture.store.participants.roleOf('roles', 'cat')).toBe('admin');
  expect(await fixture.store.participants.membershipOf('roles', 'eve')).toBeNull();
  expect((await fixture.store.participants.cursors('roles')).find((c) => c.userId === 'cat')?.lastReadSeq).toBe(3);
  const dan = await fixture.store.participants.membershipOf('roles', 'dan');
  expect(await fixture.store.participants.roomsOf('dan')).toEqual([{ roomId: 'roles', membership: dan }]);
});

test('creating a room twice is a conflict', async () => {
  const room = { roomId: 'twice', roomName: 'Twice', roomType: 'group' as const, createdBy: 'ann', createdAt: new Date() };
  await fixture.store.rooms.create(room);
  await expect(fixture.store.rooms.create(room)).rejects.toThrow(ChatError);
});

test('a read receipt is stored once per message and user', async () => {
  const receipt = { messageId: new ObjectId(), roomId: 'receipts', userId: 'ann', readAt: new Date() };
  expect(await fixture.store.receipts.record(receipt)).toBe('inserted');
  expect(await fixture.store.receipts.record({ ...receipt, readAt: new Date() })).toBe('duplicate');
  expect(await fixture.store.receipts.countFor('receipts', receipt.messageId)).toBe(1);
});

test('bulk cursor and member writes of any size complete (FerretDB drops update commands of 100+ statements)', async () => {
  const members = Array.from({ length: 150 }, (_, i) => `member${i}`);
  expect(await fixture.store.participants.upsert('big-room', members, 'member')).toBe(150);
  const ids = await Promise.all(
    members.map(async (userId) => (await fixture.store.participants.membershipOf('big-room', userId))!.participantId),
  );
  await fixture.store.participants.advanceDelivered(ids.map((participantId, i) => ({ roomId: 'big-room', participantId, seq: i + 1 })));
  // Every copy lands, none above its cursor and none more than 20 seqs below it.
  const cursors = await fixture.store.participants.cursors('big-room');
  for (const [i, userId] of members.entries()) {
    const copied = cursors.find((c) => c.userId === userId)?.deliveredSeq ?? 0;
    expect([userId, copied <= i + 1 && copied > i + 1 - 20]).toEqual([userId, true]);
  }
  // Members at the same seq share one statement; the lower ones rise, none goes back.
  await fixture.store.participants.advanceDelivered(ids.map((participantId) => ({ roomId: 'big-room', participantId, seq: 100 })));
  const raised = await fixture.store.participants.cursors('big-room');
  expect(raised.find((c) => c.userId === 'member0')?.deliveredSeq).toBe(100);
  expect(raised.find((c) => c.userId === 'member149')?.deliveredSeq).toBeGreaterThan(130);
}, 20_000);
