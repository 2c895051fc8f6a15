import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess } from '../src';
import { isAlive, waitUntil } from './process-liveness';

// The parent must be a real Node process (inside jest `process.on` is sandboxed), so it loads
// the compiled package; `npm test` builds it first.
const dist = join(__dirname, '..', 'dist', 'index.js');

const parentScript = `
const { startRedisServer } = require(${JSON.stringify(dist)});
startRedisServer().then((server) => console.log(JSON.stringify({ pid: server.process.pid, dataDir: server.dataDir })));
`;

async function startParent(): Promise<{ parent: Awaited<ReturnType<typeof startProcess>>; redisPid: number; dataDir: string }> {
  const parent = await startProcess({
    name: 'parent',
    command: process.execPath,
    args: ['-e', parentScript],
    env: {},
    readyLine: /^\{"pid"/,
  });
  const line = await parent.waitForLine(/^\{"pid"/);
  const { pid, dataDir } = JSON.parse(line) as { pid: number; dataDir: string };
  return { parent, redisPid: pid, dataDir };
}

describe('servers started by testkit', () => {
  beforeAll(() => {
    if (!existsSync(dist)) throw new Error(`${dist} is missing; run \`npx turbo run build --filter=@campzone/testkit\``);
  });

  it('are stopped and their temp dirs removed when the parent gets Ctrl-C', async () => {
    const { parent, redisPid, dataDir } = await startParent();
    expect(isAlive(redisPid)).toBe(true);
    parent.kill('SIGINT');
    await parent.exited;
    expect(await waitUntil(() => !isAlive(redisPid), 3_000)).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('die with a parent that is killed outright', async () => {
    const { parent, redisPid, dataDir } = await startParent();
    parent.kill('SIGKILL');
    await parent.exited;
    expect(await waitUntil(() => !isAlive(redisPid), 3_000)).toBe(true);
    // A SIGKILLed parent cannot remove its temp dir; that much is left to the OS temp cleaner.
    await rm(dataDir, { recursive: true, force: true });
  });

  it('are stopped when the parent exits normally', async () => {
    const script = `${parentScript}; setTimeout(() => process.exit(0), 500);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise((resolveExit) => child.on('close', resolveExit));
    const { pid, dataDir } = JSON.parse(output) as { pid: number; dataDir: string };
    expect(await waitUntil(() => !isAlive(pid), 3_000)).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
  });
});
