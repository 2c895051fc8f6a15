import { type RedisSentinelSetup, startRedisSentinel } from '@campzone/testkit';
import { Queue, Worker } from 'bullmq';
import { connectionOptions, createQueueConnection } from '../src';

// BullMQ workers that stop after a Redis failover are a known failure (bullmq#648, #3088): a
// worker connected through the sentinels must go on taking jobs from the promoted replica.

let setup: RedisSentinelSetup;
const opened: Array<{ close(): Promise<unknown> }> = [];

beforeAll(async () => {
  setup = await startRedisSentinel();
}, 45_000);

afterAll(async () => {
  for (const x of opened.reverse()) await x.close().catch(() => undefined);
  await setup?.stop();
});

test('a worker connected through Sentinel takes jobs again after the master is killed and its replica promoted', async () => {
  const { connection } = createQueueConnection({
    mode: 'sentinel',
    sentinels: setup.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    masterName: setup.masterName,
  });
  const opts = { connection: connectionOptions(connection), prefix: 'failover:bull' };
  const done: string[] = [];
  const queue = new Queue('failover', opts);
  const worker = new Worker(
    'failover',
    async (job) => {
      done.push(job.name);
    },
    opts,
  );
  queue.on('error', () => undefined);
  worker.on('error', () => undefined);
  opened.push(queue, worker);

  await queue.add('before', {});
  await until(() => done.includes('before'), 10_000);
  const oldMaster = await setup.killMaster();
  await setup.waitForPromotion(oldMaster);
  // The add waits in ioredis's offline queue until it reaches the new master.
  await queue.add('after', {});
  await until(() => done.includes('after'), 30_000);
  expect(done).toEqual(['before', 'after']);
}, 60_000);

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
