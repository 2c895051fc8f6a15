import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COSTS } from './capacity-fixture';

const SCRIPT = path.join(__dirname, '..', '..', '..', 'scripts', 'capacity.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'capacity-cli-'));
const costsFile = path.join(dir, 'costs.json');
writeFileSync(costsFile, JSON.stringify(COSTS));

/** `npm run capacity` as a process: the script the docs tell ops to run. */
function capacity(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const CAMPUS = ['--users', '50000', '--rooms', '2000', '--members-per-room', '25', '--msgs-per-user-hour', '10', '--costs', costsFile];

test('a campus gets a table of limits, the units per part and its first ceiling', async () => {
  const { code, stdout } = await capacity(CAMPUS);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^\| gateway \| CPU \|/m);
  expect(stdout).toMatch(/^\| mongodb \| writes\/s \|/m);
  expect(stdout).toMatch(/^Needed: \d+ gateway pods, \d+ worker pods, \d+ Redis shards, \d+ MongoDB shards$/m);
  expect(stdout).toMatch(/^First ceiling: (redis|mongodb) /m);
  expect(stdout).toContain('Costs: 2026-12-04T16:00:00Z');
});

test('--json answers the plan with the defaults it filled in', async () => {
  const { code, stdout } = await capacity([...CAMPUS, '--json', '--online-fraction', '0.5']);
  expect(code).toBe(0);
  const out = JSON.parse(stdout) as { plan: { load: { onlineFraction: number; peakFactor: number }; peak: { connections: number } } };
  expect(out.plan.load).toMatchObject({ onlineFraction: 0.5, peakFactor: 3 });
  expect(out.plan.peak.connections).toBe(25_000);
});

test.each([
  [['--rooms', '10'], /--users is required/],
  [['--users', 'many', '--rooms', '10'], /--users must be an integer >= 1 \(got many\)/],
  [['--users', '100', '--rooms', '10', '--online-fraction', '1.5'], /--online-fraction must be a number in \(0, 1\]/],
  [['--users', '100', '--rooms', '10', '--peak-factor', '0.5'], /--peak-factor must be a number >= 1/],
  [['--users', '100', '--rooms', '10', '--members-per-room', '500'], /cannot exceed --users/],
  [['--users', '100', '--rooms', '10', '--adapter', 'fast'], /--adapter must be sharded or classic/],
  [['--users', '100', '--rooms', '10', '--frobnicate'], /Unknown option '--frobnicate'/],
  [['--check', '--check-sizes', '10x1@5'], /--check-sizes must be ROOMSxMEMBERS@RATE/],
  [['--check', '--check-sizes', '10@5'], /--check-sizes must be ROOMSxMEMBERS@RATE/],
])('bad flags %j exit 2 with a message naming the flag, and plan nothing', async (args, message) => {
  const { code, stdout, stderr } = await capacity([...args, '--costs', costsFile]);
  expect(code).toBe(2);
  expect(stderr).toMatch(message);
  expect(stdout).toBe('');
});

test('a missing or broken cost profile exits 2 and says which file and what is wrong', async () => {
  const missing = await capacity(['--users', '100', '--rooms', '10', '--costs', path.join(dir, 'none.json')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/cannot read the cost profile .*none\.json.*npm run bench writes it/);
  const broken = path.join(dir, 'broken.json');
  writeFileSync(broken, JSON.stringify({ ...COSTS, perMessage: { ...COSTS.perMessage, redisCommands: 'lots' } }));
  const bad = await capacity(['--users', '100', '--rooms', '10', '--costs', broken]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/perMessage\.redisCommands must be a number >= 0/);
});
