import { uniqueNamespace } from '@campzone/testkit';
import { secretTokenSource } from '../src/auth/token-source';
import { BareCluster } from '../src/bare/bare-cluster';
import { DEFAULT_TUNING } from '../src/load/client-tuning';
import { waitUntil } from '../src/load/concurrency';
import { LoadRun } from '../src/load/load-run';
import type { LoadReport } from '../src/report/load-report';
import { runCli } from './run-cli';
import { serviceUrls } from './services';

// The CLI and the failover transport against the bare Socket.IO server: real processes and
// sockets, no MongoDB, so these run in seconds.

const SECRET = 'loadtest-test-secret-0123456789';
let bare: BareCluster;

beforeAll(async () => {
  bare = await BareCluster.start({
    processes: 2,
    redisUrl: serviceUrls().redisUrl,
    prefix: uniqueNamespace(__filename).prefix,
    jwtSecret: SECRET,
  });
});
afterAll(() => bare.stop());

test('npm run loadtest against two URLs prints a table and one JSON line, and exits 0 with nothing lost', async () => {
  const [a, b] = bare.urls;
  const { code, stdout, stderr } = await runCli([
    '--url',
    a!,
    '--url',
    b!,
    '--jwt-secret',
    SECRET,
    '--rooms',
    '3',
    '--members',
    '4',
    '--rate',
    '60',
    '--duration',
    '2',
    '--ramp-up',
    '0.5',
    '--no-progress',
  ]);
  expect(stderr).toContain('members connected');
  expect(code).toBe(0);
  const lines = stdout.trim().split('\n');
  const report = JSON.parse(lines.at(-1)!) as LoadReport;
  expect(stdout).toContain('send-to-receive');
  expect(report.ok).toBe(true);
  expect(report.connections).toMatchObject({ planned: 12, connected: 12 });
  expect(report.accepted).toBe(report.sent);
  expect(report.deliveries).toBe(report.accepted * 4);
  expect(report.correctness).toEqual({ lost: 0, lostDeliveries: 0, duplicated: 0, misordered: 0, orderMismatchRooms: 0, seqConflicts: 0 });
  expect(report.sendToReceiveMs.p99).toBeGreaterThan(0);
  expect(report.changes).toMatchObject({ ratio: 0, sent: 0, events: 0 });
});

test('the CLI exits 2 with the usage when no URL is given', async () => {
  const { code, stderr } = await runCli([]);
  expect(code).toBe(2);
  expect(stderr).toContain('at least one --url');
});

test('members whose server is killed reconnect to the next URL and their sends go on', async () => {
  const extra = await BareCluster.start({
    processes: 2,
    redisUrl: serviceUrls().redisUrl,
    prefix: uniqueNamespace('failover').prefix,
    jwtSecret: SECRET,
  });
  const run = await LoadRun.start({
    urls: extra.urls,
    runId: 'fo',
    rooms: 2,
    membersPerRoom: 4,
    sendersPerRoom: 2,
    payloadBytes: 40,
    tokens: secretTokenSource(SECRET),
    tuning: DEFAULT_TUNING,
    connectConcurrency: 8,
    connectTimeoutMs: 10_000,
  });
  try {
    const victims = run.members.filter((m) => m.plan.urlIndex === 0).length;
    const load = run.drive({ rate: 40, durationMs: 3000, rampUpMs: 0 });
    await waitUntil(() => run.meter.total.accepted >= 20, 3000);
    extra.nodes[0]!.proc.kill('SIGKILL');
    const ackedAtKill = run.meter.total.accepted;
    await load;
    expect(await waitUntil(() => run.connectedCount === run.members.length, 10_000)).toBe(true);
    expect(run.failovers).toBeGreaterThanOrEqual(victims);
    expect(run.meter.total.accepted).toBeGreaterThan(ackedAtKill);
    expect(await waitUntil(() => run.outstanding === 0, 10_000)).toBe(true);
  } finally {
    await run.close();
    await extra.stop();
  }
});
