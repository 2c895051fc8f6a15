import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFerretDb, installFerretDb, pathLocator } from '../src';

describe('FerretDB lookup', () => {
  let binDir: string;
  let emptyCache: string;
  beforeEach(async () => {
    binDir = await mkdtemp(join(tmpdir(), 'testkit-bin-'));
    emptyCache = await mkdtemp(join(tmpdir(), 'testkit-cache-'));
  });
  afterEach(async () => {
    await rm(binDir, { recursive: true, force: true });
    await rm(emptyCache, { recursive: true, force: true });
  });

  async function fakeFerretDb(script: string): Promise<string> {
    const path = join(binDir, 'ferretdb');
    await writeFile(path, `#!/bin/sh\n${script}\n`);
    await chmod(path, 0o755);
    return path;
  }

  it('skips a ferretdb on PATH whose --version fails, like the panicking `go install` build', async () => {
    await fakeFerretDb('echo "panic: Invalid build/version/version.txt file content." >&2; exit 2');
    await expect(findFerretDb({ locator: pathLocator(binDir), cacheDir: emptyCache })).resolves.toBeUndefined();
  });

  it('skips a FerretDB v2 on PATH, which has no SQLite handler', async () => {
    await fakeFerretDb('echo "version: v2.1.0"');
    await expect(findFerretDb({ locator: pathLocator(binDir), cacheDir: emptyCache })).resolves.toBeUndefined();
  });

  it('uses a ferretdb v1 on PATH whose --version works', async () => {
    const path = await fakeFerretDb('echo "version: v1.24.2"; echo "commit: unknown"');
    await expect(findFerretDb({ locator: pathLocator(binDir), cacheDir: emptyCache })).resolves.toBe(path);
  });

  it('installs nothing and says so (undefined) when there is neither a binary nor Go', async () => {
    await expect(installFerretDb({ locator: pathLocator(''), cacheDir: emptyCache })).resolves.toBeUndefined();
  });
});
