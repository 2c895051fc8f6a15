import {
  ackEverything,
  addMember,
  closeAllClients,
  connectAs,
  createRoom,
  eventually,
  record,
  send,
  statusesSeenBy,
} from './harness/chat-clients';
import { metricValue, Stack } from './harness/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start(__filename, { gateways: 2 });
});
afterEach(closeAllClients);
afterAll(() => stack?.stop());

const rollupsDone = () => metricValue(stack.workers[0]!.url, 'campzone_worker_jobs_total', { queue: 'chat-rollup', outcome: 'completed' });

/** No rollup waits or runs: the next one to complete was caused by what the test does next. */
async function rollupsIdle(): Promise<void> {
  await eventually(async () => {
    const url = stack.workers[0]!.url;
    const pending = await Promise.all(
      ['wait', 'delayed', 'active'].map((state) => metricValue(url, 'campzone_worker_queue_jobs', { queue: 'chat-rollup', state })),
    );
    return pending.every((n) => n === 0);
  }, 'the rollup queue to be idle');
}

/** Runs `action` on an idle rollup queue and resolves once a rollup it caused has completed. */
async function afterNextRollup(action: () => Promise<unknown>): Promise<void> {
  await rollupsIdle();
  const before = await rollupsDone();
  await action();
  await eventually(async () => (await rollupsDone()) > before, 'a rollup caused by the action');
}

test('messages become DELIVERED when every member acked and READ when every member read, announced to the room', async () => {
  await createRoom(stack.gatewayUrl, 'ann', 'ticks', ['bob', 'cat']);
  const ann = await connectAs(stack.gateways[0]!.url, 'ann');
  const bob = await connectAs(stack.gateways[1]!.url, 'bob');
  const cat = await connectAs(stack.gateways[1]!.url, 'cat');
  ackEverything(ann);
  ackEverything(bob);
  const toAnn = record(ann, 'message_status');
  const sent = [await send(ann, 'ticks', 'one'), await send(ann, 'ticks', 'two'), await send(ann, 'ticks', 'three')];
  const last = sent[2]!;
  // Ann and Bob hold everything, Cat has not acked: a rollup runs and nothing is DELIVERED yet.
  await afterNextRollup(() => bob.emitWithAck('ack', { roomId: 'ticks', seq: last.seq }));
  expect(await statusesSeenBy(ann, 'ticks')).toEqual(['PENDING', 'PENDING', 'PENDING']);

  expect(await cat.emitWithAck('ack', { roomId: 'ticks', seq: last.seq })).toMatchObject({ ok: true });
  await eventually(
    () => toAnn.some((e) => e.payload.status === 'DELIVERED' && e.payload.uptoSeq === last.seq),
    'DELIVERED up to the last seq',
  );
  expect(await statusesSeenBy(ann, 'ticks')).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);

  // Reading the last message reads everything before it; the sender need not read their own.
  await afterNextRollup(() => bob.emitWithAck('mark_read', { roomId: 'ticks', messageId: last.messageId }));
  expect(await statusesSeenBy(ann, 'ticks')).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);
  await cat.emitWithAck('mark_read', { roomId: 'ticks', messageId: last.messageId });
  await eventually(async () => (await statusesSeenBy(ann, 'ticks')).every((s) => s === 'READ'), 'every message READ');
  await eventually(
    () =>
      toAnn.some((e) => e.payload.status === 'READ' && (e.payload.messageIds?.includes(last.messageId) || e.payload.uptoSeq === last.seq)),
    'READ announced',
  );

  // More acks later run more rollups; READ never becomes DELIVERED.
  await afterNextRollup(() => bob.emitWithAck('ack', { roomId: 'ticks', seq: last.seq }));
  expect(await statusesSeenBy(ann, 'ticks')).toEqual(['READ', 'READ', 'READ']);
});

test('1,000 acks in one room run a handful of rollup jobs, not 1,000, and end DELIVERED', async () => {
  await createRoom(stack.gatewayUrl, 'dan', 'busy', ['eve']);
  const dan = await connectAs(stack.gateways[0]!.url, 'dan');
  const eve = await connectAs(stack.gateways[1]!.url, 'eve');
  await Promise.all(Array.from({ length: 100 }, (_, i) => send(dan, 'busy', `m${i}`)));
  await rollupsIdle();
  const before = await rollupsDone();

  // Eve acks 1,000 times, ten times per message, without waiting for answers.
  const answers: Array<Promise<unknown>> = [];
  for (let i = 0; i < 1000; i++) answers.push(eve.emitWithAck('ack', { roomId: 'busy', seq: Math.floor(i / 10) + 1 }));
  await Promise.all(answers);

  await eventually(async () => (await statusesSeenBy(dan, 'busy')).every((s) => s === 'DELIVERED'), 'all 100 messages DELIVERED');
  const jobs = (await rollupsDone()) - before;
  expect(jobs).toBeGreaterThanOrEqual(1);
  expect(jobs).toBeLessThanOrEqual(10);
});

test('reading a message by id also counts as a receipt for the rollup', async () => {
  await createRoom(stack.gatewayUrl, 'fay', 'receipt-only', ['gus']);
  const fay = await connectAs(stack.gatewayUrl, 'fay');
  const gus = await connectAs(stack.gatewayUrl, 'gus');
  const sent = await send(fay, 'receipt-only', 'read me');
  // Gus never acks, but reading the message shows he holds it: DELIVERED and READ both follow.
  expect(await gus.emitWithAck('mark_read', { roomId: 'receipt-only', messageId: sent.messageId })).toMatchObject({ ok: true });
  await eventually(async () => (await statusesSeenBy(fay, 'receipt-only')).join() === 'READ', 'READ');
});

test("a member added through a gateway holds DELIVERED back at once, although the worker keeps the room's rows", async () => {
  await createRoom(stack.gatewayUrl, 'hal', 'joined-late', ['ida']);
  const hal = await connectAs(stack.gateways[0]!.url, 'hal');
  const ida = await connectAs(stack.gateways[1]!.url, 'ida');
  ackEverything(ida);
  await send(hal, 'joined-late', 'before');
  await eventually(async () => (await statusesSeenBy(hal, 'joined-late')).join() === 'DELIVERED', 'the first message DELIVERED');

  // The worker now holds hal and ida; jon joins on the other gateway and never acks.
  await addMember(stack.gateways[1]!.url, 'hal', 'joined-late', 'jon');
  const jon = await connectAs(stack.gateways[1]!.url, 'jon');
  await afterNextRollup(() => send(hal, 'joined-late', 'after'));
  await rollupsIdle();
  expect(await statusesSeenBy(hal, 'joined-late')).toEqual(['DELIVERED', 'PENDING']);
  ackEverything(jon);
  await jon.emitWithAck('ack', { roomId: 'joined-late', seq: 2 });
  await eventually(async () => (await statusesSeenBy(hal, 'joined-late')).join() === 'DELIVERED,DELIVERED', 'DELIVERED once jon acked');
});
