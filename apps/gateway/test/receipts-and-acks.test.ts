import { createStore, ObjectId, type ParticipantRepository } from '@campzone/store';
import { ReceiptService } from '../src/chat/receipt.service';
import { closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  // Copies of delivered cursors come due one CURSOR_FLUSH_MS after an ack; tests here wait for them.
  cluster = await GatewayCluster.start(__filename, 2, { CURSOR_FLUSH_MS: '1000' });
  await createRoom(cluster.url(0), 'rob', 'reading', ['sue']);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

async function sendSome(count: number) {
  const rob = await connectAs(cluster.url(0), 'rob');
  const acks = [];
  for (let i = 0; i < count; i++) {
    const ack = await rob.emitWithAck('send_message', sendArgs('reading', `line ${i}`));
    if (!ack.ok) throw new Error(ack.error.message);
    acks.push(ack);
  }
  return { rob, acks };
}

test('marking a message read twice stores one receipt, broadcasts once and answers both as success', async () => {
  const { rob, acks } = await sendSome(2);
  const receipts = record(rob, 'read_receipt');
  const sue = await connectAs(cluster.url(1), 'sue');
  const target = { roomId: 'reading', messageId: acks[0]!.messageId };
  expect(await sue.emitWithAck('mark_read', target)).toEqual({ ok: true, ...target, duplicate: false });
  expect(await sue.emitWithAck('mark_read', target)).toEqual({ ok: true, ...target, duplicate: true });
  // A later receipt from the same pod to the same room: the adapter keeps their order, so once it
  // has arrived, a second broadcast of the first would have arrived before it.
  const marker = acks[1]!.messageId;
  await sue.emitWithAck('mark_read', { roomId: 'reading', messageId: marker });
  await eventually(() => receipts.some((r) => r.messageId === marker), 'the later read_receipt');
  expect(receipts.filter((r) => r.messageId === target.messageId)).toEqual([
    { ...target, userId: 'sue', seq: acks[0]!.seq, readAt: expect.any(String) },
  ]);
  const db = await cluster.db();
  expect(
    await db
      .collection('message_read_receipts')
      .countDocuments({ roomId: 'reading', userId: 'sue', messageId: new ObjectId(target.messageId) }),
  ).toBe(1);
});

test('a retry whose first attempt stored the receipt but never raised the cursor raises it and tells the room, with the first read time', async () => {
  const { rob, acks } = await sendSome(1);
  const target = { roomId: 'reading', messageId: acks[0]!.messageId };
  // What a first mark_read leaves when its cursor update fails: the receipt, and nothing else.
  const db = await cluster.db();
  const firstReadAt = new Date(Date.now() - 60_000);
  await db
    .collection('message_read_receipts')
    .insertOne({ messageId: new ObjectId(target.messageId), roomId: 'reading', userId: 'sue', readAt: firstReadAt });
  const receipts = record(rob, 'read_receipt');
  const sue = await connectAs(cluster.url(1), 'sue');

  expect(await sue.emitWithAck('mark_read', target)).toEqual({ ok: true, ...target, duplicate: true });
  await eventually(() => receipts.length > 0, 'the read_receipt broadcast');
  expect(receipts).toEqual([{ ...target, userId: 'sue', seq: acks[0]!.seq, readAt: firstReadAt.toISOString() }]);
  const participant = await db.collection('chat_participants').findOne({ roomId: 'reading', userId: 'sue' });
  expect(participant?.lastReadSeq).toBe(acks[0]!.seq);
});

test('when the cursor update of a first mark_read fails, its retry raises the cursor and is announced', async () => {
  const { acks } = await sendSome(1);
  const store = createStore(await cluster.db());
  let failNext = true;
  const failingOnce: Pick<ParticipantRepository, 'advanceRead'> = {
    advanceRead: (...args) => {
      if (!failNext) return store.participants.advanceRead(...args);
      failNext = false;
      return Promise.reject(new Error('cursor update refused'));
    },
  };
  const rollupsAsked: string[] = [];
  const receipts = new ReceiptService(store.messages, store.receipts, failingOnce, (roomId) => rollupsAsked.push(roomId));
  const target = { roomId: 'reading', messageId: acks[0]!.messageId };

  await expect(receipts.markRead('sue', target)).rejects.toThrow('cursor update refused');
  const retry = await receipts.markRead('sue', target);
  expect(retry).toMatchObject({ duplicate: true, announce: true, receipt: { ...target, userId: 'sue', seq: acks[0]!.seq } });
  expect((await store.participants.cursorsOfRooms(['reading'])).find((p) => p.userId === 'sue')?.lastReadSeq).toBe(acks[0]!.seq);
  expect(rollupsAsked).toEqual(['reading']);
  // Once the cursor stands, a further repeat changes nothing and tells nobody.
  expect(await receipts.markRead('sue', target)).toMatchObject({
    duplicate: true,
    announce: false,
    receipt: { readAt: retry.receipt.readAt },
  });
});

test('the read cursor never goes back when older messages are read later', async () => {
  const { acks } = await sendSome(3);
  const sue = await connectAs(cluster.url(1), 'sue');
  await sue.emitWithAck('mark_read', { roomId: 'reading', messageId: acks[2]!.messageId });
  await sue.emitWithAck('mark_read', { roomId: 'reading', messageId: acks[0]!.messageId });
  const db = await cluster.db();
  const participant = await db.collection('chat_participants').findOne({ roomId: 'reading', userId: 'sue' });
  expect(participant?.lastReadSeq).toBe(acks[2]!.seq);
});

test('non-members cannot mark read or ack, and a message of another room is not found', async () => {
  const { acks } = await sendSome(1);
  const stranger = await connectAs(cluster.url(0), 'stranger');
  const target = { roomId: 'reading', messageId: acks[0]!.messageId };
  expect(await stranger.emitWithAck('mark_read', target)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await stranger.emitWithAck('ack', { roomId: 'reading', seq: 1 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  await createRoom(cluster.url(0), 'sue', 'elsewhere', []);
  const sue = await connectAs(cluster.url(0), 'sue');
  expect(await sue.emitWithAck('mark_read', { roomId: 'elsewhere', messageId: target.messageId })).toMatchObject({
    ok: false,
    error: { code: 'NOT_FOUND' },
  });
  const db = await cluster.db();
  expect(await db.collection('message_read_receipts').countDocuments({ userId: 'stranger' })).toBe(0);
});

test('delivery acks move the cursor forward only, capped at the room’s last seq, and reach MongoDB in batches', async () => {
  const { acks } = await sendSome(4);
  const last = acks[3]!.seq;
  const sue = await connectAs(cluster.url(1), 'sue');
  expect(await sue.emitWithAck('ack', { roomId: 'reading', seq: last - 1 })).toEqual({ ok: true, roomId: 'reading', seq: last - 1 });
  expect(await sue.emitWithAck('ack', { roomId: 'reading', seq: 1 })).toEqual({ ok: true, roomId: 'reading', seq: last - 1 });
  expect(await sue.emitWithAck('ack', { roomId: 'reading', seq: last + 1000 })).toEqual({ ok: true, roomId: 'reading', seq: last });
  const db = await cluster.db();
  await eventually(
    async () => (await db.collection('chat_participants').findOne({ roomId: 'reading', userId: 'sue' }))?.deliveredSeq === last,
    'the cursor copied to MongoDB',
  );
});

test('an ack far past the end in a room nobody has written in yet does not count its later messages as delivered', async () => {
  await createRoom(cluster.url(0), 'rob', 'fresh-room', ['sue']);
  const sue = await connectAs(cluster.url(1), 'sue');
  expect(await sue.emitWithAck('ack', { roomId: 'fresh-room', seq: 1e12 })).toEqual({ ok: true, roomId: 'fresh-room', seq: 0 });
  const rob = await connectAs(cluster.url(0), 'rob');
  for (const text of ['first', 'second']) {
    const sent = await rob.emitWithAck('send_message', sendArgs('fresh-room', text));
    if (!sent.ok) throw new Error(sent.error.message);
  }
  // Sue holds the first message only, and her cursor says so: the second is not delivered to her.
  expect(await sue.emitWithAck('ack', { roomId: 'fresh-room', seq: 1 })).toEqual({ ok: true, roomId: 'fresh-room', seq: 1 });
  const db = await cluster.db();
  await eventually(
    async () => (await db.collection('chat_participants').findOne({ roomId: 'fresh-room', userId: 'sue' }))?.deliveredSeq === 1,
    'the cursor copied to MongoDB at 1',
  );
});
