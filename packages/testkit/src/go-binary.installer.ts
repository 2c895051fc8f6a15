import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BinaryLocator, findExecutable, pathLocator } from './binary.locator';
import { runCommand } from './command.runner';
import { withFileLock } from './install.lock';

/** `$CAMPZONE_CACHE_DIR/bin`, else `~/.cache/campzone/bin`: where every Go-built tool is cached. */
export function defaultBinaryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.CAMPZONE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'campzone');
  return join(root, 'bin');
}

/** A Go program built with a plain `go install PACKAGE@VERSION` (its go.mod has no `replace`). */
export interface GoBinarySpec {
  /** The name `go install` gives the binary, and the cache file's prefix (`NAME-VERSION`). */
  name: string;
  /** The package path of the main package, e.g. github.com/centrifugal/centrifugo/v6. */
  packagePath: string;
  version: string;
  /** How long a cold build may take; also how long another process waits for the lock. */
  buildMinutes: number;
  /** What a user waits for, logged before the build starts ("about 20 s cold"). */
  buildTimeHint: string;
  /** A check that the cached file runs (its version command); a file that fails it is rebuilt. */
  works?: (binary: string) => Promise<boolean>;
}

export interface GoBinaryOptions {
  /** Default defaultBinaryCacheDir(). */
  cacheDir?: string;
  locator?: BinaryLocator;
  log?: (line: string) => void;
}

export function cachedGoBinaryPath(spec: GoBinarySpec, options: GoBinaryOptions = {}): string {
  return join(options.cacheDir ?? defaultBinaryCacheDir(), `${spec.name}-${spec.version}`);
}

async function isUsable(spec: GoBinarySpec, binary: string): Promise<boolean> {
  return findExecutable(binary, '') !== undefined && (spec.works ? await spec.works(binary) : true);
}

/** The binary on PATH (by its name) or in the cache, without building anything. */
export async function findGoBinary(spec: GoBinarySpec, options: GoBinaryOptions = {}): Promise<string | undefined> {
  const onPath = (options.locator ?? pathLocator()).find(spec.name);
  if (onPath && (await isUsable(spec, onPath))) return onPath;
  const cached = cachedGoBinaryPath(spec, options);
  return (await isUsable(spec, cached)) ? cached : undefined;
}

/**
 * Returns the binary, building it with `go install` into a temporary GOBIN under a file lock
 * (parallel jest workers build once, the others wait and reuse it). Undefined without Go;
 * throws if a build was tried and failed.
 */
export async function installGoBinary(spec: GoBinarySpec, options: GoBinaryOptions = {}): Promise<string | undefined> {
  const found = await findGoBinary(spec, options);
  if (found) return found;
  const goBinary = (options.locator ?? pathLocator()).find('go');
  if (!goBinary) return undefined;
  const log = options.log ?? (() => undefined);
  const target = cachedGoBinaryPath(spec, options);
  const timeoutMs = spec.buildMinutes * 60_000;
  await mkdir(dirname(target), { recursive: true });
  return withFileLock(
    `${target}.lock`,
    async () => {
      // Another process may have finished the build while this one waited for the lock.
      if (await isUsable(spec, target)) return target;
      await goInstall(goBinary, spec, target, timeoutMs, log);
      if (!(await isUsable(spec, target))) throw new Error(`built ${target}, but it does not run`);
      log(`${spec.name} ${spec.version} cached at ${target}`);
      return target;
    },
    { timeoutMs, staleMs: 2 * timeoutMs, log },
  );
}

async function goInstall(goBinary: string, spec: GoBinarySpec, target: string, timeoutMs: number, log: (line: string) => void) {
  const gobin = await mkdtemp(join(tmpdir(), `campzone-${spec.name}-`));
  const module = `${spec.packagePath}@${spec.version}`;
  try {
    log(`building ${spec.name} ${spec.version} with go install (${spec.buildTimeHint})`);
    // cwd outside any go.mod, so the install is not tied to (or blocked by) a surrounding module.
    const result = await runCommand(goBinary, ['install', module], {
      cwd: gobin,
      timeoutMs,
      env: { ...process.env, GOBIN: gobin },
      onStderrLine: log,
    });
    if (result.code !== 0) throw new Error(`go install ${module} failed (exit ${result.code}): ${result.stderr.trim().slice(-2000)}`);
    // A copy then a rename: the temp dir may be another file system, and a concurrent reader
    // must never see a half-written binary.
    const partial = `${target}.${process.pid}.tmp`;
    await copyFile(join(gobin, spec.name), partial);
    await rename(partial, target);
  } finally {
    await rm(gobin, { recursive: true, force: true }).catch(() => undefined);
  }
}
