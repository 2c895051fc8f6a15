import { spawn } from 'node:child_process';
import path from 'node:path';

// The soak's short form: the real CLI, a real cluster (3 gateways and the worker) on the test
// services, for 30 s. Memory is only judged over real minutes (`npm run soak`); here the mixed
// load must run clean and every process be sampled.

function runSoak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const entry = path.join(__dirname, '..', '..', '..', 'scripts', 'soak.mjs');
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a short soak runs the mixed load clean and samples every process', async () => {
  const { stdout, stderr } = await runSoak(['--minutes', '0.5', '--sample-seconds', '8', '--rate', '10']);
  const line = stdout.split('\n').find((l) => l.startsWith('{"tool":"campzone-soak"'));
  if (!line) throw new Error(`no JSON line; stderr:\n${stderr.slice(-2000)}`);
  const report = JSON.parse(line) as {
    accepted: number;
    churn: { cycles: number; failed: number };
    correctness: Record<string, number>;
    processes: Array<{ name: string; samples: Array<{ rssBytes: number; heapUsedBytes?: number }> }>;
  };
  expect(report.correctness).toMatchObject({ lost: 0, duplicated: 0, misordered: 0, orderMismatchRooms: 0, seqConflicts: 0 });
  expect(report.accepted).toBeGreaterThan(100);
  expect(report.churn.cycles).toBeGreaterThan(5);
  expect(report.churn.failed).toBe(0);
  expect(report.processes.map((p) => p.name).sort()).toEqual(['gateway-1', 'gateway-2', 'gateway-3', 'worker']);
  for (const p of report.processes) {
    expect(p.samples.length).toBeGreaterThanOrEqual(3);
    for (const s of p.samples) expect(s.heapUsedBytes).toBeGreaterThan(0);
  }
}, 180_000);
