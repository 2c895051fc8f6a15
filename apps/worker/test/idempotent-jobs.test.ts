import { type ChatQueues, JobName } from '@campzone/queue';
import { ClaimedPublisher, DeliveryCursors, type LuaRunner, type RedisConnection, type RedisKeys } from '@campzone/realtime';
import { type MessageDoc, ObjectId, plaintextCodec, type Store, statusAt } from '@campzone/store';
import { uniqueNamespace } from '@campzone/testkit';
import type { Job } from 'bullmq';
import pino from 'pino';
import { ClusterEmitter, type Publisher } from '../src/delivery/cluster-emitter';
import { DeliverySchedule } from '../src/delivery/delivery-schedule';
import { MemberCursorReader } from '../src/delivery/member-cursors';
import { ResendClaims } from '../src/delivery/resend-claims';
import { createWorkerMetrics } from '../src/observability/metrics';
import { deliveryRetryProcessor } from '../src/processors/delivery-retry.processor';
import { deliveryTrackProcessor } from '../src/processors/delivery-track.processor';
import { type JobRun, jobRun } from '../src/processors/job-run';
import { rollupProcessor } from '../src/processors/rollup.processor';
import { type FileServices, openFileServices } from './harness/services';

// The processors run twice on the same job, as BullMQ does after a stall or a retry: the
// second run must change nothing more, and a re-send must never go out twice.

let services: FileServices;
let redis: RedisConnection;
let store: Store;
let queues: ChatQueues;
let keys: RedisKeys;
let lua: LuaRunner;
/** Channels of every publish the emitters make (what the gateways' adapters would hear). */
const published: string[] = [];
const countingPublisher: Publisher = {
  publish: (channel, message) => {
    published.push(channel);
    return redis.publish(channel, message);
  },
  publishOnce: async (claimKey, ttlMs, publications) => {
    const sent = await new ClaimedPublisher(lua).publishOnce(claimKey, ttlMs, publications);
    if (sent) published.push(...publications.map((p) => p.channel));
    return sent;
  },
};
const run: JobRun = jobRun({} as Job, undefined, undefined, pino({ level: 'silent' }));

beforeAll(async () => {
  services = await openFileServices(uniqueNamespace(__filename));
  ({ store, redis, keys, lua } = services);
  queues = services.openQueues();
});
afterAll(async () => {
  await services.close();
});

async function seedRoom(roomId: string, members: string[], count: number): Promise<MessageDoc[]> {
  await store.participants.upsert(roomId, members, 'member');
  const docs: MessageDoc[] = Array.from({ length: count }, (_, i) => ({
    _id: new ObjectId(),
    roomId,
    senderId: members[0]!,
    content: `m${i + 1}`,
    lamportTimestamp: i + 1,
    seq: i + 1,
    idempotencyKey: `${roomId}-${i}`,
    status: 'PENDING',
    messageType: 'text',
    createdAt: new Date(),
  }));
  await store.collections.messages.insertMany(docs);
  return docs;
}

/** Statuses as readers see them: each message's own, raised by the room's floors. */
async function statusesOf(roomId: string): Promise<string[]> {
  const [page, floors] = await Promise.all([store.messages.afterSeq(roomId, 0, 100), store.statusFloors.get(roomId)]);
  return page.messages.map((m) => statusAt(m, floors));
}

const tracked = (docs: MessageDoc[]) =>
  docs.map((d) => ({ messageId: d._id.toHexString(), roomId: d.roomId, seq: d.seq, senderId: d.senderId }));

function processors(online: string[]) {
  const metrics = createWorkerMetrics();
  const schedule = new DeliverySchedule([1000, 2000], 500);
  const cursors = new MemberCursorReader(store.participants, new DeliveryCursors(lua, keys, redis));
  const emitter = new ClusterEmitter(countingPublisher, keys.socketIoChannel());
  return {
    track: deliveryTrackProcessor({ delivery: queues.delivery, schedule }),
    check: deliveryRetryProcessor({
      cursors,
      presence: { onlineUsers: async (ids) => new Set(ids.filter((id) => online.includes(id))) },
      queueLog: store.queueLog,
      messages: store.messages,
      floors: store.statusFloors,
      codec: plaintextCodec,
      claims: new ResendClaims(emitter, keys),
      delivery: queues.delivery,
      schedule,
      metrics,
    }),
    rollup: rollupProcessor({
      cursors,
      messages: store.messages,
      floors: store.statusFloors,
      emitter,
      rollup: queues.rollup,
      rollupDelayMs: 50,
      metrics,
    }),
  };
}

test('a track job run twice schedules the first check once and writes no log entry', async () => {
  const docs = await seedRoom('twice-track', ['ann', 'bob'], 3);
  const job = await queues.delivery.add(JobName.deliveryTrack, { batchId: 'tt-1', messages: tracked(docs) });
  const { track } = processors([]);
  await track(job);
  await track(job);
  expect(await store.collections.queueLog.countDocuments({ roomId: 'twice-track' })).toBe(0);
  const checks = (await queues.delivery.getJobs(['delayed'])).filter((j) => j.data.batchId === 'tt-1');
  expect(checks.map((j) => j.id)).toEqual(['check-tt-1-1']);
});

test('a check run again after a crash between its re-send and its bookkeeping re-sends nothing more', async () => {
  const docs = await seedRoom('twice-check', ['ann', 'bob'], 2);
  const job = await queues.delivery.add(JobName.deliveryCheck, { batchId: 'tc-1', attempt: 1, maxRetries: 2, messages: tracked(docs) });
  const { check } = processors(['bob']);
  const before = published.length;

  // First run: the re-send goes out, then "the worker dies" when it schedules the next stage.
  const failingQueue = { add: async () => Promise.reject(new Error('killed')) };
  const crashing = deliveryRetryProcessorWith(failingQueue);
  await expect(crashing(job, run)).rejects.toThrow('killed');
  expect(published.length).toBe(before + 2);

  // The stalled job is run again: bookkeeping completes, nothing is sent again.
  await check(job, run);
  await check(job, run);
  const next = (await queues.delivery.getJobs(['delayed'])).filter((j) => j.data.batchId === 'tc-1');
  expect(next.map((j) => j.id)).toEqual(['check-tc-1-2']);
  expect(await store.collections.queueLog.countDocuments({ roomId: 'twice-check', status: 'RETRY', retryCount: 1 })).toBe(2);
  // Bob (online, no ack) was the only recipient; Ann sent them.
  expect(published.slice(before)).toEqual([`${keys.socketIoChannel()}#/#user:bob#`, `${keys.socketIoChannel()}#/#user:bob#`]);

  function deliveryRetryProcessorWith(delivery: typeof failingQueue) {
    const metrics = createWorkerMetrics();
    return deliveryRetryProcessor({
      cursors: new MemberCursorReader(store.participants, new DeliveryCursors(lua, keys, redis)),
      presence: { onlineUsers: async (ids) => new Set(ids.filter((id) => id === 'bob')) },
      queueLog: store.queueLog,
      messages: store.messages,
      floors: store.statusFloors,
      codec: plaintextCodec,
      claims: new ResendClaims(new ClusterEmitter(countingPublisher, keys.socketIoChannel()), keys),
      delivery: delivery as unknown as typeof queues.delivery,
      schedule: new DeliverySchedule([1000, 2000], 500),
      metrics,
    });
  }
});

test('two schedules of one message (a sweep re-armed it while its own check waited) re-send it once per retry', async () => {
  const docs = await seedRoom('two-schedules', ['ann', 'bob'], 2);
  const { check } = processors(['bob']);
  const add = (batchId: string, attempt: number, messages: MessageDoc[]) =>
    queues.delivery.add(JobName.deliveryCheck, { batchId, attempt, maxRetries: 2, messages: tracked(messages) });
  const before = published.length;

  // The original batch held both messages; the sweep's re-arm holds the second one alone.
  await check(await add('own-1', 1, docs), run);
  await check(await add('sweep-1', 1, [docs[1]!]), run);
  expect(published.length).toBe(before + 2);
  await check(await add('sweep-1', 2, [docs[1]!]), run);
  await check(await add('own-1', 2, docs), run);
  expect(published.length).toBe(before + 4);
  expect(await store.collections.queueLog.countDocuments({ roomId: 'two-schedules', status: 'RETRY', retryCount: 2 })).toBe(2);
});

test('a first check run again after its members acked marks the entries its first run opened DELIVERED', async () => {
  const docs = await seedRoom('rerun-acked', ['ann', 'bob'], 2);
  await redis.hSet(keys.roomCounters('rerun-acked'), 'seq', '2');
  const job = await queues.delivery.add(JobName.deliveryCheck, { batchId: 'ra-1', attempt: 1, maxRetries: 2, messages: tracked(docs) });
  const { check } = processors(['bob']);
  await check(job, run);
  const log = () =>
    store.queueLog.findInRoom(
      'rerun-acked',
      tracked(docs).map((m) => m.messageId),
    );
  expect((await log()).map((e) => e.status)).toEqual(['RETRY', 'RETRY']);

  // Bob acks both; BullMQ runs the stage again (a stall after its bookkeeping).
  await new DeliveryCursors(lua, keys, redis).advance('rerun-acked', [{ userId: 'bob', seq: 2 }]);
  await check(job, run);
  expect((await log()).map((e) => e.status)).toEqual(['DELIVERED', 'DELIVERED']);
});

test('a rollup run twice raises and announces once, and never lowers a status', async () => {
  const docs = await seedRoom('twice-rollup', ['ann', 'bob'], 4);
  const cursors = new DeliveryCursors(lua, keys, redis);
  await redis.hSet(keys.roomCounters('twice-rollup'), 'seq', '4');
  await cursors.advance('twice-rollup', [{ userId: 'ann', seq: 4 }]);
  await cursors.advance('twice-rollup', [{ userId: 'bob', seq: 3 }]);
  // Message 1 was READ already (by a rollup of an earlier life): it must stay READ.
  await store.collections.messages.updateOne({ _id: docs[0]!._id }, { $set: { status: 'READ' } });
  const job = await queues.rollup.add(JobName.rollup, { roomId: 'twice-rollup' });
  const { rollup } = processors([]);
  const before = published.length;

  expect(await rollup(job, run)).toMatchObject({ DELIVERED: 3, READ: 0 });
  expect(published.length).toBe(before + 1);
  expect(await rollup(job, run)).toMatchObject({ DELIVERED: 0, READ: 0 });
  expect(published.length).toBe(before + 1);
  // Bob holds up to 3; seq 4 is Ann's, which Bob has not acked: it stays PENDING.
  expect(await statusesOf('twice-rollup')).toEqual(['READ', 'DELIVERED', 'DELIVERED', 'PENDING']);
});

test("while the room's floor rises, the lowest member's own messages wait for a follow-up rollup, which raises them", async () => {
  // Ann sent 1-3, Bob sent 4; Ann holds 4, Bob (who need not ack his own message) holds 3.
  const docs = await seedRoom('laggard-later', ['ann', 'bob'], 4);
  await store.collections.messages.updateOne({ _id: docs[3]!._id }, { $set: { senderId: 'bob' } });
  const cursors = new DeliveryCursors(lua, keys, redis);
  await redis.hSet(keys.roomCounters('laggard-later'), 'seq', '4');
  await cursors.advance('laggard-later', [{ userId: 'ann', seq: 4 }]);
  await cursors.advance('laggard-later', [{ userId: 'bob', seq: 3 }]);
  const job = await queues.rollup.add(JobName.rollup, { roomId: 'laggard-later' });
  const { rollup } = processors([]);
  const statuses = () => statusesOf('laggard-later');

  expect(await rollup(job, run)).toMatchObject({ DELIVERED: 3 });
  expect(await statuses()).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED', 'PENDING']);
  const followUps = (await queues.rollup.getDelayed()).filter((j) => j.data.roomId === 'laggard-later');
  expect(followUps).toHaveLength(1);

  // The follow-up finds the floor standing at 3: Bob's own message 4 is DELIVERED, by id.
  const before = published.length;
  expect(await rollup(job, run)).toMatchObject({ DELIVERED: 1 });
  expect(await statuses()).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED', 'DELIVERED']);
  expect(published.length).toBe(before + 1);
});
