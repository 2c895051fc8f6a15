import { execFile } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultFerretDbCacheDir, pathLocator } from '@campzone/testkit';

const run = promisify(execFile);

export const CENTRIFUGO_VERSION = 'v6.9.1';
const CENTRIFUGO_MODULE = 'github.com/centrifugal/centrifugo/v6';

/** The cached binary's path: beside FerretDB in ~/.cache/campzone/bin (or $CAMPZONE_CACHE_DIR/bin). */
export function centrifugoBinaryPath(cacheDir = defaultFerretDbCacheDir()): string {
  return join(cacheDir, `centrifugo-${CENTRIFUGO_VERSION}`);
}

async function works(binary: string): Promise<boolean> {
  try {
    await access(binary);
    const { stdout } = await run(binary, ['version'], { timeout: 10_000 });
    return /centrifugo/i.test(stdout);
  } catch {
    return false;
  }
}

/**
 * A Centrifugo v6.9.1 binary: the cached one, else `go install` of the module (its go.mod has no
 * replace directives, so a plain install builds the release's code) into a temp GOBIN, then an
 * atomic rename into the cache. Several minutes on a cold Go cache; throws without Go.
 */
export async function installCentrifugo(log: (line: string) => void = () => undefined): Promise<string> {
  const target = centrifugoBinaryPath();
  if (await works(target)) return target;
  const go = pathLocator().find('go');
  if (!go) throw new Error(`Centrifugo ${CENTRIFUGO_VERSION} is not in ${target} and Go is not on PATH to build it`);
  await mkdir(join(target, '..'), { recursive: true });
  const gobin = await mkdtemp(join(tmpdir(), 'campzone-centrifugo-'));
  try {
    log(`building Centrifugo ${CENTRIFUGO_VERSION} with go install (several minutes on a cold Go cache)`);
    await run(go, ['install', `${CENTRIFUGO_MODULE}@${CENTRIFUGO_VERSION}`], {
      cwd: gobin,
      env: { ...process.env, GOBIN: gobin },
      timeout: 30 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    // A copy then a rename: the temp dir may be another file system, and a concurrent reader
    // must never see a half-written binary.
    const partial = `${target}.${process.pid}.tmp`;
    await copyFile(join(gobin, 'centrifugo'), partial);
    await rename(partial, target);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
  if (!(await works(target))) throw new Error(`built ${target}, but \`${target} version\` does not answer`);
  log(`Centrifugo ${CENTRIFUGO_VERSION} cached at ${target}`);
  return target;
}
