import { closeAllClients, connectAs, createRoom, eventually, record, sendArgs } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2);
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
  const { rob, acks } = await sendSome(1);
  const receipts = record(rob, 'read_receipt');
  const sue = await connectAs(cluster.url(1), 'sue');
  const target = { roomId: 'reading', messageId: acks[0]!.messageId };
  expect(await sue.emitWithAck('mark_read', target)).toEqual({ ok: true, ...target, duplicate: false });
  expect(await sue.emitWithAck('mark_read', target)).toEqual({ ok: true, ...target, duplicate: true });
  await eventually(() => receipts.length === 1, 'the read_receipt broadcast');
  expect(receipts[0]).toMatchObject({ ...target, userId: 'sue', seq: acks[0]!.seq, readAt: expect.any(String) });
  const db = await cluster.db();
  expect(await db.collection('message_read_receipts').countDocuments({ roomId: 'reading', userId: 'sue' })).toBe(1);
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
