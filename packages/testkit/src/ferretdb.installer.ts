import { chmod, cp, lstat, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BinaryLocator, findExecutable, pathLocator } from './binary.locator';
import { runCommand } from './command.runner';
import { defaultBinaryCacheDir } from './go-binary.installer';
import { withFileLock } from './install.lock';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

export interface FerretDbOptions {
  /** Directory holding `ferretdb-v1.24.2`; default `$CAMPZONE_CACHE_DIR/bin` or `~/.cache/campzone/bin`. */
  cacheDir?: string;
  locator?: BinaryLocator;
  log?: (line: string) => void;
}

function cachedBinaryPath(options: FerretDbOptions): string {
  return join(options.cacheDir ?? defaultBinaryCacheDir(), `ferretdb-${FERRETDB_VERSION}`);
}

/**
 * v2 has no SQLite handler, and a plain `go install` build panics at start for want of
 * build/version/version.txt, so only a binary whose --version runs and says v1 is usable.
 */
async function isWorkingV1(binary: string): Promise<boolean> {
  const result = await runCommand(binary, ['--version'], { timeoutMs: 10_000 });
  return result.code === 0 && /version:\s*v1\./.test(result.stdout);
}

/** A usable FerretDB v1 binary already present (on PATH or in the cache), without building anything. */
export async function findFerretDb(options: FerretDbOptions = {}): Promise<string | undefined> {
  const onPath = (options.locator ?? pathLocator()).find('ferretdb');
  if (onPath && (await isWorkingV1(onPath))) return onPath;
  const cached = cachedBinaryPath(options);
  if (findExecutable(cached, '') && (await isWorkingV1(cached))) return cached;
  return undefined;
}

/** `chmod -R u+w`: the module cache is read-only and version.txt must be written into the copy. */
async function makeWritable(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  await chmod(path, info.mode | 0o200);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(path)) await makeWritable(join(path, entry));
}

async function go(goBinary: string, args: string[], cwd: string, log: (line: string) => void): Promise<string> {
  const result = await runCommand(goBinary, args, { cwd, timeoutMs: 30 * 60_000, onStderrLine: log });
  if (result.code !== 0) {
    throw new Error(
      `\`go ${args.join(' ')}\` failed (exit ${result.code}) in ${cwd}:\n${result.stderr.trim().split('\n').slice(-30).join('\n')}`,
    );
  }
  return result.stdout;
}

/**
 * Builds FerretDB from the module source instead of `go install`, writing the version file its
 * build/version package insists on (the `go install` binary panics without it).
 */
async function buildFerretDb(goBinary: string, target: string, log: (line: string) => void): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'campzone-ferretdb-build-'));
  try {
    // Run outside any go.mod so the download is not tied to (or blocked by) a surrounding module.
    const download = await go(goBinary, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], work, log);
    const moduleDir = (JSON.parse(download) as { Dir?: string }).Dir;
    if (!moduleDir) throw new Error(`go mod download gave no source dir for ${FERRETDB_MODULE}@${FERRETDB_VERSION}`);
    const source = join(work, 'src');
    await cp(moduleDir, source, { recursive: true });
    await makeWritable(source);
    await writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    const output = `${target}.${process.pid}.tmp`;
    log(`building FerretDB ${FERRETDB_VERSION} (about a minute with a warm Go cache, several when cold)`);
    await go(goBinary, ['build', '-trimpath', '-o', output, './cmd/ferretdb'], source, log);
    // rename() is atomic, so a concurrent reader never sees a half-written binary.
    await rename(output, target);
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Returns a working FerretDB v1 binary, building and caching it with Go when none exists.
 * Returns undefined when there is neither a binary nor Go; throws if a build was tried and failed.
 */
export async function installFerretDb(options: FerretDbOptions = {}): Promise<string | undefined> {
  const found = await findFerretDb(options);
  if (found) return found;
  const goBinary = (options.locator ?? pathLocator()).find('go');
  if (!goBinary) return undefined;
  const log = options.log ?? (() => undefined);
  const target = cachedBinaryPath(options);
  await mkdir(dirname(target), { recursive: true });
  return withFileLock(
    `${target}.lock`,
    async () => {
      // Another process may have finished the build while this one waited for the lock.
      if (findExecutable(target, '') && (await isWorkingV1(target))) return target;
      await buildFerretDb(goBinary, target, log);
      if (!(await isWorkingV1(target))) throw new Error(`Built ${target}, but \`${target} --version\` does not report ${FERRETDB_VERSION}`);
      log(`FerretDB ${FERRETDB_VERSION} cached at ${target}`);
      return target;
    },
    { timeoutMs: 30 * 60_000, staleMs: 60 * 60_000, log },
  );
}
