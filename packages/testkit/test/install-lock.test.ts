import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../src/install.lock';

const options = { timeoutMs: 5_000, staleMs: 60_000 };

describe('withFileLock (guards concurrent FerretDB builds)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'testkit-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets only one holder run at a time and releases the lock afterwards', async () => {
    const lock = join(dir, 'build.lock');
    let inside = 0;
    let mostInside = 0;
    const task = async (): Promise<void> => {
      inside += 1;
      mostInside = Math.max(mostInside, inside);
      await new Promise((resolveTask) => setTimeout(resolveTask, 100));
      inside -= 1;
    };
    await Promise.all([withFileLock(lock, task, options), withFileLock(lock, task, options), withFileLock(lock, task, options)]);
    expect(mostInside).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose holder has died', async () => {
    const lock = join(dir, 'build.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(lock, dead.stdout);
    const started = Date.now();
    await expect(withFileLock(lock, async () => 'built', options)).resolves.toBe('built');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('releases the lock when the task fails', async () => {
    const lock = join(dir, 'build.lock');
    await expect(withFileLock(lock, async () => Promise.reject(new Error('go build failed')), options)).rejects.toThrow('go build failed');
    expect(existsSync(lock)).toBe(false);
  });
});
