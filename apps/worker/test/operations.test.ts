import { startProcess } from '@campzone/testkit';
import { eventually } from './harness/chat-clients';
import { metricValue, Stack, serviceUrls } from './harness/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await Stack.start(__filename, { gateways: 0 });
});
afterAll(() => stack?.stop());

const BOARD = { BULL_BOARD_ENABLED: 'true', BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'correct horse battery' };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

test('/healthz answers, /readyz checks Redis and MongoDB, /metrics shows queue depth and job counters', async () => {
  const { url } = stack.workers[0]!;
  expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', mongodb: 'ok' } });

  const text = await (await fetch(`${url}/metrics`)).text();
  for (const queue of ['chat-delivery', 'chat-rollup', 'chat-maintenance', 'chat-webhooks']) {
    expect(text).toContain(`campzone_worker_queue_jobs{queue="${queue}",state="wait"}`);
  }
  for (const name of [
    'campzone_worker_job_duration_seconds',
    'campzone_worker_delivery_retries_total',
    'campzone_worker_delivery_outcomes_total',
    'campzone_worker_webhook_attempts_total',
  ]) {
    expect(text).toContain(`# TYPE ${name}`);
  }
  // No user or room ever becomes a label.
  expect(text).not.toMatch(/(userId|roomId)=/);
});

test('the repeatable sweep runs on its schedule', async () => {
  const { url } = stack.workers[0]!;
  await eventually(
    async () => (await metricValue(url, 'campzone_worker_jobs_total', { queue: 'chat-maintenance', outcome: 'completed' })) >= 2,
    'two sweeps (SWEEP_INTERVAL_MS is 1000 in tests)',
  );
});

test('Bull Board is off by default, and behind Basic auth when turned on', async () => {
  expect((await fetch(`${stack.workers[0]!.url}/admin/queues`)).status).toBe(404);

  const board = await stack.addWorker(BOARD);
  expect((await fetch(`${board.url}/admin/queues`)).status).toBe(401);
  const wrong = await fetch(`${board.url}/admin/queues`, { headers: { authorization: basic('ops', 'guess') } });
  expect(wrong.status).toBe(401);
  expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
  const page = await fetch(`${board.url}/admin/queues`, {
    headers: { authorization: basic(BOARD.BULL_BOARD_USER, BOARD.BULL_BOARD_PASSWORD) },
  });
  expect(page.status).toBe(200);
  const api = await fetch(`${board.url}/admin/queues/api/queues`, {
    headers: { authorization: basic(BOARD.BULL_BOARD_USER, BOARD.BULL_BOARD_PASSWORD) },
  });
  const { queues } = (await api.json()) as { queues: Array<{ name: string }> };
  expect(queues.map((q) => q.name).sort()).toEqual([
    'chat-attachments',
    'chat-delivery',
    'chat-maintenance',
    'chat-notify',
    'chat-rollup',
    'chat-webhooks',
  ]);
  await board.proc.stop();
});

test('SIGTERM drains and exits 0; a bad setting stops the start with one line naming it', async () => {
  const extra = await stack.addWorker();
  extra.proc.kill('SIGTERM');
  expect(await extra.proc.exited).toBe(0);
  await extra.proc.waitForLine(/"msg":"stopped"/);

  const { redisUrl, mongoUrl } = serviceUrls();
  const bad = await startProcess({
    name: 'bad-worker',
    command: process.execPath,
    args: [require.resolve('../dist/main.js')],
    env: { REDIS_URL: redisUrl, MONGO_URL: mongoUrl, WORKER_CONCURRENCY: '0' },
  });
  expect(await bad.exited).toBe(1);
  expect(bad.stderrLines.filter((l) => l.trim() !== '')).toEqual([
    expect.stringMatching(/^Invalid configuration: WORKER_CONCURRENCY .*\(got "0"\)$/),
  ]);
});
