import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import {
  createQueueProducers,
  DeliveryTrackJobSchema,
  JobName,
  payloadParser,
  QueueName,
  type QueueProducers,
  type RollupJob,
} from '../src';

const ns = uniqueNamespace(__filename);
const prefix = `${ns.prefix}:bull`;
const redisUrl = () => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set (jest globalSetup from @campzone/testkit sets it)');
  return url;
};
const opened: Array<{ close(): Promise<unknown> }> = [];
const open = <T extends { close(): Promise<unknown> }>(x: T): T => {
  opened.push(x);
  return x;
};

afterAll(async () => {
  for (const x of opened.reverse()) await x.close();
  await dropNamespace(ns, { redisUrl: redisUrl() });
});

const messageId = (i: number) => i.toString(16).padStart(24, '0');

async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('1,200 tracked messages in one tick become three track jobs that pass the worker schema', async () => {
  const producers = open(createQueueProducers({ connection: redisUrl(), prefix, maxBatch: 500 }));
  const started = performance.now();
  for (let i = 1; i <= 1200; i++) producers.trackDelivery({ messageId: messageId(i), roomId: `room-${i % 7}`, seq: i, senderId: 'ann' });
  // Buffering only: the caller never waits for Redis.
  expect(performance.now() - started).toBeLessThan(200);
  const queue = open(new Queue(QueueName.delivery, { connection: { url: redisUrl() }, prefix }));
  await eventually(async () => (await queue.getJobCounts('wait')).wait === 3, 'three track jobs');
  const jobs = await queue.getJobs(['wait']);
  const parse = payloadParser(DeliveryTrackJobSchema, 'track');
  const sizes = jobs.map((j) => parse.parse(j.data).messages.length).sort((a, b) => a - b);
  expect(sizes).toEqual([200, 500, 500]);
  expect(new Set(jobs.map((j) => j.name))).toEqual(new Set([JobName.deliveryTrack]));
  await queue.obliterate({ force: true });
});

test('rollup requests for one room coalesce: one waits, one more is kept while it runs', async () => {
  const roomNs = `${prefix}-r`;
  let rollupFlushes = 0;
  const producers: QueueProducers = open(
    createQueueProducers({
      connection: redisUrl(),
      prefix: roomNs,
      rollupDelayMs: 50,
      onFlush: (stats) => {
        if (stats.rollups > 0) rollupFlushes++;
      },
    }),
  );
  const queue = open(new Queue<RollupJob>(QueueName.rollup, { connection: { url: redisUrl() }, prefix: roomNs }));
  let release: () => void = () => undefined;
  const firstRunMayEnd = new Promise<void>((r) => {
    release = r;
  });
  let runs = 0;
  open(
    new Worker<RollupJob>(
      QueueName.rollup,
      async () => {
        runs++;
        if (runs === 1) await firstRunMayEnd;
      },
      { connection: { url: redisUrl() }, prefix: roomNs },
    ),
  );
  for (let i = 0; i < 300; i++) producers.requestRollup('busy-room');
  await eventually(async () => runs === 1, 'the first rollup to run');
  // Moves during the run: kept as one follow-up, not 300.
  const flushesBefore = rollupFlushes;
  for (let i = 0; i < 300; i++) producers.requestRollup('busy-room');
  await eventually(async () => rollupFlushes > flushesBefore, 'the requests made during the run to be enqueued');
  expect((await queue.getJobCounts('delayed', 'wait')).delayed).toBe(0);
  release();
  await eventually(async () => runs === 2, 'the follow-up rollup');
  await eventually(async () => {
    const c = await queue.getJobCounts('active', 'delayed', 'wait');
    return (c.active ?? 0) + (c.delayed ?? 0) + (c.wait ?? 0) === 0;
  }, 'the queue to settle');
  expect(runs).toBe(2);
});

test("a busy room's rollup requests are enqueued at most every half rollup delay, the first at once", async () => {
  const busyNs = `${prefix}-b`;
  const rollupFlushes: number[] = [];
  let tracked = 0;
  const started = performance.now();
  const producers = open(
    createQueueProducers({
      connection: redisUrl(),
      prefix: busyNs,
      batchWindowMs: 50,
      rollupDelayMs: 1000,
      onFlush: (stats) => {
        if (stats.rollups > 0) rollupFlushes.push(performance.now() - started);
        tracked += stats.tracked;
      },
    }),
  );
  // A room whose cursors move every 10 ms for 1.2 s, beside messages tracked as usual.
  for (let i = 1; i <= 120; i++) {
    producers.requestRollup('busy-room');
    producers.trackDelivery({ messageId: messageId(i), roomId: 'busy-room', seq: i, senderId: 'ann' });
    await new Promise((r) => setTimeout(r, 10));
  }
  await eventually(async () => tracked === 120, 'every tracked message to be enqueued');
  const lastRequest = performance.now() - started;
  await eventually(async () => (rollupFlushes.at(-1) ?? 0) > lastRequest, 'the last requests to be enqueued');
  // Every 50 ms they would be 25 or more script calls for a job a second; half the delay makes
  // one every 500 ms, the first at once.
  expect(rollupFlushes[0]).toBeLessThan(300);
  expect(rollupFlushes.length).toBeLessThanOrEqual(Math.ceil(lastRequest / 500) + 1);
  for (let i = 1; i < rollupFlushes.length; i++) expect((rollupFlushes[i] ?? 0) - (rollupFlushes[i - 1] ?? 0)).toBeGreaterThanOrEqual(490);
  const delivery = open(new Queue(QueueName.delivery, { connection: { url: redisUrl() }, prefix: busyNs }));
  await delivery.obliterate({ force: true });
  const rollup = open(new Queue(QueueName.rollup, { connection: { url: redisUrl() }, prefix: busyNs }));
  await rollup.obliterate({ force: true });
});

test('a payload that breaks the schema fails as unrecoverable, naming the field', () => {
  const parse = payloadParser(DeliveryTrackJobSchema, 'chat-delivery/track');
  const bad = { batchId: 'b1', messages: [{ messageId: 'nope', roomId: 'r', seq: 1, senderId: 'ann' }] };
  expect(() => parse.parse(bad)).toThrow(UnrecoverableError);
  expect(() => parse.parse(bad)).toThrow(/invalid chat-delivery\/track job payload: messages\.0\.messageId/);
});

test('calls after close are dropped without throwing, and close enqueues what was buffered', async () => {
  const closeNs = `${prefix}-c`;
  const dropped: string[] = [];
  const producers = createQueueProducers({
    connection: redisUrl(),
    prefix: closeNs,
    batchWindowMs: 10_000,
    onDropped: (what) => dropped.push(what),
  });
  producers.trackDelivery({ messageId: messageId(1), roomId: 'r1', seq: 1, senderId: 'ann' });
  producers.requestRollup('r1');
  await producers.close();
  expect(() => producers.trackDelivery({ messageId: messageId(2), roomId: 'r1', seq: 2, senderId: 'ann' })).not.toThrow();
  producers.requestRollup('r1');
  expect(dropped).toEqual(['track', 'rollup']);
  const delivery = open(new Queue(QueueName.delivery, { connection: { url: redisUrl() }, prefix: closeNs }));
  const rollup = open(new Queue(QueueName.rollup, { connection: { url: redisUrl() }, prefix: closeNs }));
  expect((await delivery.getJobCounts('wait')).wait).toBe(1);
  expect((await rollup.getJobCounts('delayed')).delayed).toBe(1);
});
