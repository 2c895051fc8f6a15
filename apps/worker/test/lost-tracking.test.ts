import { QueueName } from '@campzone/queue';
import { ObjectId, type QueueLogDoc } from '@campzone/store';
import type { Queue } from 'bullmq';
import { ackEverything, closeAllClients, connectAs, createRoom, eventually, record, send } from './harness/chat-clients';
import { metricValue, Stack } from './harness/stack';

// Only messages that needed a re-send have a queue-log entry, so a tracking job lost before its
// first check (Redis lost it) leaves nothing in MongoDB that names the message as tracked. The
// sweep finds such messages from what is stored: above the room's DELIVERED floor, no entry,
// and an online member without an ack.

let stack: Stack;
let delivery: Queue;
beforeAll(async () => {
  // No worker yet: the gateway's track job waits in Redis, where the test loses it.
  stack = await Stack.start(__filename, { workers: 0 });
  delivery = stack.queue(QueueName.delivery);
});
afterAll(async () => {
  closeAllClients();
  await delivery?.close();
  await stack?.stop();
});

test('a message whose tracking job was lost is found by the sweep and re-sent to the online member who lacks it, and only to them', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'lost-job', ['bob', 'cat']);
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  const bob = await connectAs(stack.gatewayUrl, 'bob');
  const cat = await connectAs(stack.gatewayUrl, 'cat');
  ackEverything(ann);
  ackEverything(cat);
  const toBob = record(bob, 'new_message');
  const toCat = record(cat, 'new_message');

  const sent = await send(ann, 'lost-job', 'did this reach you?');
  await eventually(async () => ((await delivery.getJobCounts('wait')).wait ?? 0) >= 1, "the gateway's track job");
  await delivery.drain(true);
  const left = await delivery.getJobCounts('wait', 'delayed', 'active');
  expect((left.wait ?? 0) + (left.delayed ?? 0) + (left.active ?? 0)).toBe(0);
  await eventually(() => toBob.length === 1 && toCat.length === 1, 'the live broadcast');

  // The worker starts with no job to run; its sweep (every second in tests) finds the message.
  const worker = await stack.addWorker();
  await eventually(() => toBob.length >= 2, 'the sweep to re-send the message', 30_000);
  expect(toBob[1]!.payload).toMatchObject({ messageId: sent.messageId, seq: sent.seq, content: 'did this reach you?' });

  // Tracked again from the first check: bob never acks, so the entry ends FAILED naming him.
  const log = (await stack.db()).collection<QueueLogDoc>('message_queue_log');
  await eventually(
    async () => (await log.findOne({ roomId: 'lost-job', _id: new ObjectId(sent.messageId) }))?.status === 'FAILED',
    'the entry to fail',
    30_000,
  );
  expect((await log.findOne({ roomId: 'lost-job', _id: new ObjectId(sent.messageId) }))?.errorMessage).toMatch(/: bob$/);
  expect(await metricValue(worker.url, 'campzone_worker_delivery_rearmed_total')).toBe(1);
  // Cat acked at once: the sweep never sent her anything.
  expect(toCat).toHaveLength(1);
}, 90_000);
