import type { MessageStatusEvent } from '@campzone/protocol';
import { type MessageDoc, ObjectId, type QueueLogDoc } from '@campzone/store';
import { ackEverything, closeAllClients, connectAs, createRoom, eventually, record, send } from './harness/chat-clients';
import { Stack, TEST_DELAYS_MS } from './harness/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start(__filename, { workers: 1 });
});
afterEach(closeAllClients);
afterAll(() => stack?.stop());

test('a worker killed with SIGKILL mid-schedule: a second worker finishes it, no copy beyond the schedule, no status going back', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'crash-retry', ['bob']);
  await createRoom(stack.gatewayUrl, 'ann', 'crash-read', ['cal']);
  const ann = await connectAs(stack.gatewayUrl, 'ann');
  const bob = await connectAs(stack.gatewayUrl, 'bob');
  const cal = await connectAs(stack.gatewayUrl, 'cal');
  ackEverything(ann);
  ackEverything(cal);
  const toBob = record(bob, 'new_message');
  const statusesSeen = record(ann, 'message_status');

  // A room that reaches READ before the crash: Cal holds and reads everything.
  const read = [await send(ann, 'crash-read', 'r1'), await send(ann, 'crash-read', 'r2')];
  expect(await cal.emitWithAck('mark_read', { roomId: 'crash-read', messageId: read[1]!.messageId })).toMatchObject({ ok: true });
  const messages = (await stack.db()).collection<MessageDoc>('messages');
  const statusOf = async (messageId: string) => (await messages.findOne({ _id: new ObjectId(messageId) }))?.status;
  await eventually(async () => (await statusOf(read[1]!.messageId)) === 'READ', 'crash-read to reach READ');

  // Bob never acks: three messages go into the retry schedule.
  // The worker dies the moment the first re-send reaches Bob: most likely while that check job
  // is still running (its log update and next stage not yet written), so its lock lapses and
  // the next worker's stall check takes it over; if it had just finished, the next stage waits.
  const first = stack.workers[0]!;
  bob.on('new_message', () => {
    if (toBob.length === 4) first.proc.kill('SIGKILL');
  });
  const sent = [await send(ann, 'crash-retry', 'x1'), await send(ann, 'crash-retry', 'x2'), await send(ann, 'crash-retry', 'x3')];
  const copiesOf = (messageId: string) => toBob.filter((r) => r.payload.messageId === messageId).length;
  expect(await first.proc.exited).toBeNull();

  // More cursor moves while no worker runs: they wait in the queue for the next one.
  expect(await cal.emitWithAck('ack', { roomId: 'crash-read', seq: read[1]!.seq })).toMatchObject({ ok: true });
  await stack.addWorker();

  const log = (await stack.db()).collection<QueueLogDoc>('message_queue_log');
  await eventually(
    async () => (await log.countDocuments({ messageId: { $in: sent.map((s) => new ObjectId(s.messageId)) }, status: 'FAILED' })) === 3,
    'all three entries to fail after the schedule',
    20_000,
  );
  for (const s of sent) {
    expect(copiesOf(s.messageId)).toBe(1 + TEST_DELAYS_MS.length);
    expect(await log.findOne({ messageId: new ObjectId(s.messageId) })).toMatchObject({ status: 'FAILED', retryCount: 3 });
  }
  // The room that was READ stays READ, and no announcement ever went back.
  expect(await statusOf(read[0]!.messageId)).toBe('READ');
  expect(await statusOf(read[1]!.messageId)).toBe('READ');
  const upto = new Map<string, number>();
  for (const { payload } of statusesSeen) {
    const event: MessageStatusEvent = payload;
    if (event.uptoSeq === undefined) continue;
    const key = `${event.roomId}/${event.status}`;
    expect(event.uptoSeq).toBeGreaterThanOrEqual(upto.get(key) ?? 0);
    upto.set(key, event.uptoSeq);
  }
});
