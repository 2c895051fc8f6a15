import { connectionOptions, createQueueConnection } from '@campzone/queue';
import { RedisKeys } from '@campzone/realtime';
import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { type Job, Queue, Worker } from 'bullmq';
import pino from 'pino';
import { jobRun } from '../src/processors/job-run';
import { eventually } from './harness/chat-clients';
import { redisTarget, serviceUrls } from './harness/stack';

const ns = uniqueNamespace(__filename);
// The run's Redis: one server, or the cluster on the cluster pass (prefix: one hash tag there).
const redis = createQueueConnection(redisTarget());
const connection = () => connectionOptions(redis.connection);
const prefix = new RedisKeys(ns.prefix).bullPrefix(redisTarget().mode);
afterAll(async () => {
  await redis.close();
  await dropNamespace(ns, { redisUrl: serviceUrls().redisUrl });
});

test('a job stopped at a checkpoint on shutdown goes back to the queue, not to failed, and another worker runs it', async () => {
  const queue = new Queue('hand-back', { connection: connection(), prefix });
  let started = 0;
  let reachedCheckpoint: () => void = () => undefined;
  const atCheckpoint = new Promise<void>((r) => {
    reachedCheckpoint = r;
  });
  // The stopping worker: its job waits at a checkpoint until the worker is told to stop.
  const stopping = new Worker(
    'hand-back',
    async (job: Job, token?: string, signal?: AbortSignal) => {
      started++;
      reachedCheckpoint();
      await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
      await jobRun(job, token, signal, pino({ level: 'silent' })).handBackIfStopping();
      return 'finished by the stopping worker';
    },
    { connection: connection(), prefix },
  );
  const job = await queue.add('slow', {}, { attempts: 1 });
  await atCheckpoint;
  const closed = stopping.close();
  stopping.cancelAllJobs('shutting down');
  await closed;
  expect(await queue.getJobState(job.id ?? '')).toBe('waiting');

  const next = new Worker('hand-back', async () => 'finished by the next worker', { connection: connection(), prefix });
  await eventually(async () => (await queue.getJobState(job.id ?? '')) === 'completed', 'the next worker to finish it');
  expect((await queue.getJob(job.id ?? ''))?.returnvalue).toBe('finished by the next worker');
  expect(started).toBe(1);
  await next.close();
  await queue.close();
});
