import { rmSync } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { onParentExit } from './exit-cleanup.registry';

export interface FileLockOptions {
  /** Give up waiting for another holder after this long. */
  timeoutMs: number;
  /** A lock older than this is taken over even if its pid looks alive (pids get reused). */
  staleMs: number;
  log?: (line: string) => void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the pid exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isAbandoned(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [content, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = Number.parseInt(content, 10);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    // An empty file is a holder that has created but not yet written it.
    return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  } catch {
    return false;
  }
}

/**
 * Runs `task` while holding an exclusive lock file, so parallel jest processes build FerretDB once
 * and the others wait and reuse the result. A holder that died is detected by its pid.
 */
export async function withFileLock<T>(lockPath: string, task: () => Promise<T>, options: FileLockOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isAbandoned(lockPath, options.staleMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${options.timeoutMs} ms waiting for lock ${lockPath}`);
    if (!announced) {
      options.log?.(`waiting for another process holding ${lockPath}`);
      announced = true;
    }
    await sleep(500);
  }
  const forget = onParentExit(() => rmSync(lockPath, { force: true }));
  try {
    return await task();
  } finally {
    forget();
    await rm(lockPath, { force: true });
  }
}
