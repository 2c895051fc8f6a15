import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { waitForQuietStore } from '../src/bench/store-settle';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A process that spins one core for `busyMs`, then sits idle until the test ends. */
async function spinner(busyMs: number): Promise<ChildProcess> {
  const script = `const end = Date.now() + ${busyMs}; while (Date.now() < end) {} process.stdout.write('idle\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await once(child, 'spawn');
  return child;
}

/**
 * Half-second readings (the bench's are 1 s). Quiet at 0.1 cores rather than the bench's 0.3: a
 * spinning child on a machine busy with other suites may get well under a core, never under 0.1
 * short of twenty processes running at once, and a child standing still uses about none.
 */
function settle(child: ChildProcess, timeoutMs: number) {
  return waitForQuietStore(() => ({ store: child.pid ?? 0 }), { quietCores: 0.1, sampleMs: 500, timeoutMs });
}

test('waits while the store spins, and answers quiet once it stops', async () => {
  const child = await spinner(2_000);
  const settled = await settle(child, 20_000);
  expect(settled.quiet).toBe(true);
  // Its first readings saw the spinning core; only a reading after the spin was quiet.
  expect(settled.waitedMs).toBeGreaterThanOrEqual(1_500);
});

test('gives up at its timeout on a store that never goes quiet, and says so', async () => {
  const child = await spinner(60_000);
  const settled = await settle(child, 1_500);
  expect(settled.quiet).toBe(false);
  expect(settled.waitedMs).toBeGreaterThanOrEqual(1_500);
});

test('a store standing still is quiet at the first reading', async () => {
  const child = await spinner(0);
  await once(child.stdout!, 'data');
  const settled = await settle(child, 20_000);
  expect(settled).toEqual({ quiet: true, waitedMs: expect.any(Number) });
  expect(settled.waitedMs).toBeLessThan(1_000);
});
