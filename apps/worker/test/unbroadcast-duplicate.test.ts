import type { MessageDoc } from '@campzone/store';
import { ObjectId } from '@campzone/store';
import { ackEverything, closeAllClients, connectAs, createRoom, eventually, record } from './harness/chat-clients';
import { Stack, TEST_DELAYS_MS } from './harness/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start(__filename, { gateways: 2 });
});
afterEach(closeAllClients);
afterAll(() => stack?.stop());

test("a retry that finds its message stored but never broadcast gets it to every member at the worker's first check", async () => {
  const [a, b] = [stack.gateways[0]!.url, stack.gateways[1]!.url];
  await createRoom(a, 'pia', 'unheard', ['quin', 'rue']);
  const quin = await connectAs(a, 'quin');
  const rue = await connectAs(b, 'rue');
  const pia = await connectAs(b, 'pia');
  for (const socket of [quin, rue, pia]) ackEverything(socket);
  const toQuin = record(quin, 'new_message');
  const toRue = record(rue, 'new_message');

  // The first attempt's pod stored the message and died before broadcasting or tracking it.
  const key = 'pia-1700000000000-0.7';
  const messageId = new ObjectId();
  const db = await stack.db();
  await db.collection<MessageDoc>('messages').insertOne({
    _id: messageId,
    roomId: 'unheard',
    senderId: 'pia',
    content: 'stored, never broadcast',
    lamportTimestamp: 1,
    seq: 1,
    idempotencyKey: key,
    status: 'PENDING',
    messageType: 'text',
    createdAt: new Date(),
  });

  const retry = await pia.emitWithAck('send_message', {
    roomId: 'unheard',
    content: 'stored, never broadcast',
    lamportTimestamp: 0,
    idempotencyKey: key,
  });
  expect(retry).toMatchObject({ ok: true, messageId: messageId.toHexString(), seq: 1, duplicate: true });
  const retriedAt = performance.now();

  const heard = (copies: typeof toQuin) => copies.some((c) => c.payload.messageId === messageId.toHexString());
  await eventually(() => heard(toQuin) && heard(toRue), 'both members to get the message', 10_000);
  // The first check runs TEST_DELAYS_MS[0] after the track job; allow the batching windows on top.
  expect(Math.max(...[...toQuin, ...toRue].map((c) => c.at)) - retriedAt).toBeLessThan(TEST_DELAYS_MS[0] + 2000);
  expect(toQuin.find((c) => c.payload.messageId === messageId.toHexString())?.payload).toMatchObject({
    content: 'stored, never broadcast',
    seq: 1,
    senderId: 'pia',
  });
});
