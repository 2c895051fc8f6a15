import { connectionOptions, QueueName } from '@campzone/queue';
import { ObjectId, type QueueLogDoc } from '@campzone/store';
import { Queue } from 'bullmq';
import { ackEverything, closeAllClients, connectAs, createRoom, eventually, record, send, statusesSeenBy } from './harness/chat-clients';
import { metricValue, Stack, TEST_DELAYS_MS } from './harness/stack';

let stack: Stack;
let delivery: Queue;
let bull: ReturnType<Stack['queueConnection']> | undefined;
beforeAll(async () => {
  stack = await Stack.start(__filename);
  bull = stack.queueConnection();
  delivery = new Queue(QueueName.delivery, { connection: connectionOptions(bull.connection), prefix: stack.bullPrefix });
});
afterEach(closeAllClients);
afterAll(async () => {
  await delivery?.close();
  await bull?.close();
  await stack?.stop();
});

async function logOf(messageId: string): Promise<QueueLogDoc | null> {
  const db = await stack.db();
  return db.collection<QueueLogDoc>('message_queue_log').findOne({ _id: new ObjectId(messageId) });
}

/** No delivery job waits any more: nothing else can be re-sent. */
async function scheduleFinished(): Promise<boolean> {
  const counts = await delivery.getJobCounts('wait', 'delayed', 'active');
  return (counts.wait ?? 0) + (counts.delayed ?? 0) + (counts.active ?? 0) === 0;
}

test('a member who never acks gets the message again after each delay, exactly maxRetries times, then the log says FAILED naming them', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'never-acked', ['bob', 'cat']);
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  const bob = await connectAs(stack.gatewayUrl, 'bob');
  const cat = await connectAs(stack.gatewayUrl, 'cat');
  ackEverything(ann);
  ackEverything(cat);
  const toBob = record(bob, 'new_message');
  const toCat = record(cat, 'new_message');
  const toAnn = record(ann, 'new_message');

  const sent = await send(ann, 'never-acked', 'are you there?');
  await eventually(async () => (await logOf(sent.messageId))?.status === 'FAILED', 'the log entry to fail', 20_000);
  await eventually(scheduleFinished, 'the delivery schedule to end');

  // The original broadcast and one copy per retry, each the full message.
  expect(toBob).toHaveLength(1 + TEST_DELAYS_MS.length);
  for (const copy of toBob)
    expect(copy.payload).toMatchObject({ messageId: sent.messageId, seq: sent.seq, content: 'are you there?', senderId: 'ann' });
  // Each copy came at least its delay after the one before (a few ms of slack for the socket hops).
  toBob.slice(1).forEach((copy, i) => {
    expect(copy.at - toBob[i]!.at).toBeGreaterThanOrEqual(TEST_DELAYS_MS[i]! - 15);
  });
  // Members who acked, and the sender, got it once.
  expect(toCat).toHaveLength(1);
  expect(toAnn).toHaveLength(1);

  const log = await logOf(sent.messageId);
  expect(log).toMatchObject({ status: 'FAILED', retryCount: 3, maxRetries: 3, roomId: 'never-acked', seq: sent.seq, nextRetryAt: null });
  expect(log?.errorMessage).toMatch(/not acknowledged after 3 retries by online member\(s\): bob$/);
  expect(log?.lastAttemptAt).toBeInstanceOf(Date);
});

test('a member who acks after the first retry gets no more copies, and the log says DELIVERED', async () => {
  await createRoom(stack.gatewayUrl, 'dan', 'late-ack', ['eve']);
  const dan = await connectAs(stack.gatewayUrl, 'dan');
  const eve = await connectAs(stack.gatewayUrl, 'eve');
  ackEverything(dan);
  const toEve = record(eve, 'new_message');
  // Eve's client ignores the first delivery and acks the first re-send.
  eve.on('new_message', (m) => {
    if (toEve.length === 2) eve.emit('ack', { roomId: m.roomId, seq: m.seq });
  });

  const sent = await send(dan, 'late-ack', 'second time lucky');
  await eventually(async () => (await logOf(sent.messageId))?.status === 'DELIVERED', 'the log entry to be delivered', 20_000);
  await eventually(scheduleFinished, 'the delivery schedule to end');

  expect(toEve).toHaveLength(2);
  expect(await logOf(sent.messageId)).toMatchObject({
    status: 'DELIVERED',
    retryCount: 1,
    maxRetries: 3,
    errorMessage: null,
    nextRetryAt: null,
  });
});

/** Messages the worker found DELIVERED (at a first check, or an entry after re-sends), so far. */
const deliveredSoFar = () => metricValue(stack.workers[0]!.url, 'campzone_worker_delivery_outcomes_total', { outcome: 'delivered' });

test('an offline member is not a failure: no retry and no log entry, and sync has the message', async () => {
  await createRoom(stack.gatewayUrl, 'fay', 'one-offline', ['gus']);
  const fay = await connectAs(stack.gatewayUrl, 'fay');
  ackEverything(fay);
  const before = await deliveredSoFar();
  const sent = await send(fay, 'one-offline', 'for later');
  await eventually(async () => (await deliveredSoFar()) > before, 'the first check to find it delivered');
  await eventually(scheduleFinished, 'the delivery schedule to end');
  expect(await logOf(sent.messageId)).toBeNull();

  const gus = await connectAs(stack.gatewayUrl, 'gus');
  const synced = await gus.emitWithAck('sync', { roomId: 'one-offline', afterSeq: 0 });
  expect(synced.ok && synced.messages.map((m: { messageId: string }) => m.messageId)).toEqual([sent.messageId]);
});

test('messages every online member acked at their first check get no log entry, and read DELIVERED from the room floor', async () => {
  await createRoom(stack.gatewayUrl, 'hal', 'acked-at-once', ['ivy']);
  const hal = await connectAs(stack.gatewayUrl, 'hal');
  const ivy = await connectAs(stack.gatewayUrl, 'ivy');
  ackEverything(hal);
  ackEverything(ivy);
  const toIvy = record(ivy, 'new_message');
  const before = await deliveredSoFar();
  await Promise.all([send(hal, 'acked-at-once', 'one'), send(hal, 'acked-at-once', 'two'), send(hal, 'acked-at-once', 'three')]);
  await eventually(async () => (await deliveredSoFar()) >= before + 3, 'the first check to find all three delivered');
  await eventually(scheduleFinished, 'the delivery schedule to end');
  await eventually(
    async () => (await statusesSeenBy(ivy, 'acked-at-once')).join() === 'DELIVERED,DELIVERED,DELIVERED',
    'the room floor to say DELIVERED',
  );
  expect(toIvy).toHaveLength(3);
  const db = await stack.db();
  expect(await db.collection<QueueLogDoc>('message_queue_log').countDocuments({ roomId: 'acked-at-once' })).toBe(0);
});
