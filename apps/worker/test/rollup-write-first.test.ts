import { type ChatQueues, JobName } from '@campzone/queue';
import { DeliveryCursors, type RedisKeys } from '@campzone/realtime';
import { type MessageDoc, ObjectId, type Store, statusAt } from '@campzone/store';
import { uniqueNamespace } from '@campzone/testkit';
import type { Job } from 'bullmq';
import pino from 'pino';
import { ClusterEmitter, type Publisher } from '../src/delivery/cluster-emitter';
import { MemberCursorReader } from '../src/delivery/member-cursors';
import { createWorkerMetrics } from '../src/observability/metrics';
import { jobRun } from '../src/processors/job-run';
import { type RollupDeps, rollupProcessor } from '../src/processors/rollup.processor';
import { type FileServices, openFileServices } from './harness/services';

// A status a client is told must be the one a reload shows: a rollup whose write fails
// announces nothing, and its retry both writes and announces.

let services: FileServices;
let store: Store;
let keys: RedisKeys;
let queues: ChatQueues;
/** Every message_status the rollups published, as the gateways' adapters would hear them. */
const announced: string[] = [];
const recording: Publisher = {
  publish: (channel, message) => {
    if (String(message).includes('message_status')) announced.push(channel);
    return services.redis.publish(channel, message);
  },
  publishOnce: () => Promise.reject(new Error('rollups do not claim')),
};
const run = jobRun({} as Job, undefined, undefined, pino({ level: 'silent' }));

beforeAll(async () => {
  services = await openFileServices(uniqueNamespace(__filename));
  ({ store, keys } = services);
  queues = services.openQueues();
});
afterAll(async () => {
  await services.close();
});

function rollup(messages: RollupDeps['messages']) {
  const { lua, redis } = services;
  return rollupProcessor({
    cursors: new MemberCursorReader(store.participants, new DeliveryCursors(lua, keys, redis)),
    messages,
    floors: store.statusFloors,
    emitter: new ClusterEmitter(recording, keys.socketIoChannel()),
    rollup: queues.rollup,
    rollupDelayMs: 50,
    metrics: createWorkerMetrics(),
  });
}

test("when raising the lowest member's own messages fails, nothing is announced; the retry raises and announces them", async () => {
  // Ann sent 1-3, Bob sent 4. Both hold 3 and Ann holds 4: the room stands DELIVERED up to 3,
  // and Bob's own message 4 is DELIVERED as well (he need not ack what he sent).
  const roomId = 'own-first';
  await store.participants.upsert(roomId, ['ann', 'bob'], 'member');
  const docs: MessageDoc[] = [1, 2, 3, 4].map((seq) => ({
    _id: new ObjectId(),
    roomId,
    senderId: seq === 4 ? 'bob' : 'ann',
    content: `m${seq}`,
    lamportTimestamp: seq,
    seq,
    idempotencyKey: `${roomId}-${seq}`,
    status: 'PENDING',
    messageType: 'text',
    createdAt: new Date(),
  }));
  await store.collections.messages.insertMany(docs);
  await services.redis.hSet(keys.roomCounters(roomId), { seq: '4', lamport: '4', rev: '4' });
  const cursors = new DeliveryCursors(services.lua, keys, services.redis);
  await cursors.advance(roomId, [{ userId: 'ann', seq: 4 }]);
  await cursors.advance(roomId, [{ userId: 'bob', seq: 3 }]);
  await store.statusFloors.raise(roomId, { DELIVERED: 3 });
  const job = await queues.rollup.add(JobName.rollup, { roomId });
  const statuses = async () => {
    const [page, floors] = await Promise.all([store.messages.afterSeq(roomId, 0, 10), store.statusFloors.get(roomId)]);
    return page.messages.map((m) => statusAt(m, floors));
  };

  const refusing: RollupDeps['messages'] = {
    fromSenderBelow: (...args) => store.messages.fromSenderBelow(...args),
    raiseStatusOf: () => Promise.reject(new Error('write refused')),
  };
  await expect(rollup(refusing)(job, run)).rejects.toThrow('write refused');
  expect(announced).toEqual([]);
  expect(await statuses()).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED', 'PENDING']);

  // BullMQ retries the job: the write lands, then the room is told.
  expect(await rollup(store.messages)(job, run)).toMatchObject({ DELIVERED: 1 });
  expect(await statuses()).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED', 'DELIVERED']);
  expect(announced).toEqual([`${keys.socketIoChannel()}#/#room:${roomId}#`]);
});
