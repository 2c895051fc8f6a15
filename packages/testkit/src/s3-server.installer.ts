import { mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BinaryLocator, findExecutable, pathLocator } from './binary.locator';
import { runCommand } from './command.runner';
import { defaultFerretDbCacheDir } from './ferretdb.installer';
import { withFileLock } from './install.lock';

/**
 * gofakes3: an MIT-licensed S3-compatible server in one small Go module whose go.mod has no
 * `replace` directives, so a plain `go install` from the module proxy builds it (about 20 s
 * cold). SeaweedFS also works but builds for minutes; MinIO is AGPL.
 */
export const GOFAKES3_VERSION = 'v1.2.0';
const GOFAKES3_PACKAGE = 'github.com/johannesboyne/gofakes3/cmd/gofakes3';

export interface S3ServerInstallOptions {
  /** Directory holding `gofakes3-v1.2.0`; default the FerretDB cache dir (`~/.cache/campzone/bin`). */
  cacheDir?: string;
  locator?: BinaryLocator;
  log?: (line: string) => void;
}

function cachedBinaryPath(options: S3ServerInstallOptions): string {
  return join(options.cacheDir ?? defaultFerretDbCacheDir(), `gofakes3-${GOFAKES3_VERSION}`);
}

/** A gofakes3 binary already present (on PATH or in the cache), without building anything. */
export function findS3Server(options: S3ServerInstallOptions = {}): string | undefined {
  const onPath = (options.locator ?? pathLocator()).find('gofakes3');
  if (onPath) return onPath;
  const cached = cachedBinaryPath(options);
  return findExecutable(cached, '') ? cached : undefined;
}

/** Returns a gofakes3 binary, building it with `go install` when none exists; undefined without Go. */
export async function installS3Server(options: S3ServerInstallOptions = {}): Promise<string | undefined> {
  const found = findS3Server(options);
  if (found) return found;
  const goBinary = (options.locator ?? pathLocator()).find('go');
  if (!goBinary) return undefined;
  const log = options.log ?? (() => undefined);
  const target = cachedBinaryPath(options);
  await mkdir(dirname(target), { recursive: true });
  return withFileLock(
    `${target}.lock`,
    async () => {
      if (findExecutable(target, '')) return target;
      const gobin = join(dirname(target), `gofakes3-build-${process.pid}`);
      log(`building gofakes3 ${GOFAKES3_VERSION} with go install (about 20 s cold)`);
      const result = await runCommand(goBinary, ['install', `${GOFAKES3_PACKAGE}@${GOFAKES3_VERSION}`], {
        timeoutMs: 15 * 60_000,
        env: { ...process.env, GOBIN: gobin },
        onStderrLine: log,
      });
      if (result.code !== 0)
        throw new Error(`go install ${GOFAKES3_PACKAGE}@${GOFAKES3_VERSION} failed: ${result.stderr.trim().slice(-2000)}`);
      // rename() is atomic, so a concurrent reader never sees a half-written binary.
      await rename(join(gobin, 'gofakes3'), target);
      log(`gofakes3 ${GOFAKES3_VERSION} cached at ${target}`);
      return target;
    },
    { timeoutMs: 15 * 60_000, staleMs: 30 * 60_000, log },
  );
}
