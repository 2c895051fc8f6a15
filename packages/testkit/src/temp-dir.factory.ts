import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onParentExit } from './exit-cleanup.registry';

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** A fresh directory under the OS temp dir, removed by `remove()` or when the process exits. */
export async function createTempDir(label: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `campzone-${label}-`));
  const forget = onParentExit(() => rmSync(path, { recursive: true, force: true, maxRetries: 3 }));
  return {
    path,
    async remove() {
      forget();
      await rm(path, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
