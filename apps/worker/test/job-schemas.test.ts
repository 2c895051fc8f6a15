import { JobName, QueueName } from '@campzone/queue';
import type { Job, Queue } from 'bullmq';
import { eventually } from './harness/chat-clients';
import { metricValue, Stack } from './harness/stack';

let stack: Stack;
const queues: Queue[] = [];
beforeAll(async () => {
  stack = await Stack.start(__filename, { gateways: 0 });
});
afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await stack?.stop();
});

function queue(name: string): Queue {
  const q = stack.queue(name);
  queues.push(q);
  return q;
}

async function failedOnce(q: Queue, job: Job): Promise<Job> {
  await eventually(async () => (await q.getJobState(job.id ?? '')) === 'failed', `job ${job.id} to fail`);
  const failed = await q.getJob(job.id ?? '');
  if (!failed) throw new Error(`job ${job.id} is gone`);
  return failed;
}

test('a payload that breaks the schema is failed at once with a reason naming the field, not retried', async () => {
  const delivery = queue(QueueName.delivery);
  // Plenty of attempts: a retryable failure would be retried, this one must not be.
  const track = await delivery.add(
    JobName.deliveryTrack,
    { batchId: 'b-1', messages: [{ messageId: 'not-an-object-id', roomId: 'r', seq: 1, senderId: 'ann' }] },
    { attempts: 5, backoff: { type: 'fixed', delay: 10 } },
  );
  const check = await delivery.add(JobName.deliveryCheck, { batchId: 'b-2', attempt: 1, messages: [] }, { attempts: 5 });
  const rollup = await queue(QueueName.rollup).add(JobName.rollup, { roomId: 'no spaces allowed' }, { attempts: 5 });

  const failedTrack = await failedOnce(delivery, track);
  expect(failedTrack.failedReason).toBe(
    `invalid ${QueueName.delivery}/${JobName.deliveryTrack} job payload: messages.0.messageId: Expected string to match '^[a-f0-9]{24}$'`,
  );
  expect(failedTrack.attemptsMade).toBe(1);
  expect((await failedOnce(delivery, check)).failedReason).toMatch(/^invalid chat-delivery\/check job payload: maxRetries: /);
  const failedRollup = await failedOnce(queue(QueueName.rollup), rollup);
  expect(failedRollup.failedReason).toMatch(/^invalid chat-rollup\/rollup job payload: roomId: /);
  expect(failedRollup.attemptsMade).toBe(1);
  expect(await metricValue(stack.workers[0]!.url, 'campzone_worker_invalid_payloads_total')).toBe(3);
});

test('a job name no processor knows is failed once with that reason', async () => {
  const delivery = queue(QueueName.delivery);
  const job = await delivery.add('deliver-everything', { batchId: 'x' }, { attempts: 3 });
  const failed = await failedOnce(delivery, job);
  expect(failed.failedReason).toBe(`no processor for job name "deliver-everything" in queue ${QueueName.delivery}`);
  expect(failed.attemptsMade).toBe(1);
});
