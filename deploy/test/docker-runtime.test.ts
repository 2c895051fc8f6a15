import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropNamespace, type TestNamespace, uniqueNamespace } from '@campzone/testkit';
import { DEPLOY_DIR, REPO_ROOT, runOk } from './support/deploy-tools';

// There is no Docker engine here, so this replays the Dockerfile's runtime stage in a temp dir:
// the same collector script, the same `npm ci` command (read from the Dockerfile itself), then
// each app started the way the image's CMD starts it. A missing production dependency, a file
// the apps read at run time but the image leaves out, or a broken SIGTERM path fails here.

const DOCKERFILE = readFileSync(join(DEPLOY_DIR, 'docker', 'Dockerfile'), 'utf8');

/** The Dockerfile's stages, each with its instructions (continuation lines joined). */
function stages(): { name: string; lines: string[] }[] {
  const joined = DOCKERFILE.replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
  const result: { name: string; lines: string[] }[] = [];
  for (const line of joined) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ name: from[1] ?? '', lines: [] });
    else result.at(-1)?.lines.push(line);
  }
  return result;
}

const runtime = stages().at(-1);

/** The runtime stage's `npm ci ...` arguments, up to the `&&` that removes npm. */
function runtimeNpmCiArgs(): string[] {
  const run = runtime?.lines.find((l) => /\bnpm ci\b/.test(l));
  const command = /npm (ci[^&]*)/.exec(run ?? '')?.[1];
  if (!command) throw new Error('the Dockerfile runtime stage has no `npm ci` step');
  return command.trim().split(/\s+/);
}

/** What the runtime stage removes from node_modules by hand right after its `npm ci`. */
function runtimeRemovals(): string[] {
  const run = runtime?.lines.find((l) => /\bnpm ci\b/.test(l)) ?? '';
  return [...run.matchAll(/rm -rf (node_modules\/\S+)/g)].map((m) => m[1] as string);
}

describe('the Dockerfile', () => {
  it('builds in stages and installs only production dependencies in the runtime stage', () => {
    expect(stages().map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(runtimeNpmCiArgs()).toEqual(expect.arrayContaining(['ci', '--omit=dev']));
    expect(stages()[0]?.lines.join('\n')).toMatch(/collect-runtime-files\.mjs/);
  });

  it('runs as a numeric non-root user, under tini, with the gateway as the default command', () => {
    const lines = runtime?.lines ?? [];
    expect(lines.filter((l) => l.startsWith('USER '))).toEqual(['USER 1000:1000']);
    expect(lines).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(lines).toContain('CMD ["node", "apps/gateway/dist/main.js"]');
    expect(lines).toContain('STOPSIGNAL SIGTERM');
  });

  it('leaves no package manager in the runtime image', () => {
    const removal = runtime?.lines.find((l) => /\bnpm ci\b/.test(l)) ?? '';
    for (const tool of ['/usr/local/bin/npm', '/usr/local/bin/npx', '/usr/local/bin/corepack', '/usr/local/bin/yarn']) {
      expect(removal).toContain(tool);
    }
  });

  it('keeps installed and built trees and secrets out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.env']));
  });
});

describe('the runtime stage, replayed in a temp dir', () => {
  let appDir = '';

  beforeAll(() => {
    appDir = mkdtempSync(join(tmpdir(), 'cz-image-'));
    runOk(process.execPath, [join(DEPLOY_DIR, 'docker', 'collect-runtime-files.mjs'), REPO_ROOT, appDir]);
    // --prefer-offline: the packages are in npm's cache after the checkout's own `npm ci`.
    runOk('npm', [...runtimeNpmCiArgs(), '--prefer-offline'], { cwd: appDir });
    for (const path of runtimeRemovals()) rmSync(join(appDir, path), { recursive: true, force: true });
  }, 300_000);

  afterAll(() => {
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  it('holds built code and manifests only: no sources, no tests', () => {
    for (const app of ['gateway', 'worker']) {
      expect(readdirSync(join(appDir, 'apps', app)).sort()).toEqual(expect.arrayContaining(['package.json']));
      expect(existsSync(join(appDir, 'apps', app, 'src'))).toBe(false);
      expect(existsSync(join(appDir, 'apps', app, 'test'))).toBe(false);
    }
  });

  it('installs the apps’ runtime dependencies and none of the dev tooling', () => {
    const has = (pkg: string) => existsSync(join(appDir, 'node_modules', pkg, 'package.json'));
    // Resolved the way each app resolves them: npm may nest a version under the app's folder.
    const resolvable = (app: string, pkg: string) => {
      try {
        createRequire(join(appDir, 'apps', app, 'package.json')).resolve(`${pkg}/package.json`);
        return true;
      } catch {
        return false;
      }
    };
    for (const [app, pkg] of [
      ['gateway', 'fastify'],
      ['gateway', 'socket.io'],
      ['gateway', 'redis'],
      ['gateway', 'mongodb'],
      ['gateway', '@campzone/config'],
      ['worker', 'bullmq'],
      ['worker', 'redis'],
      ['worker', '@campzone/config'],
    ]) {
      expect({ app, pkg, resolvable: resolvable(app as string, pkg as string) }).toEqual({ app, pkg, resolvable: true });
    }
    // sharp loads only with its prebuilt libvips, an optional dependency: without it no thumbnails.
    const sharp = createRequire(join(appDir, 'apps', 'worker', 'package.json'))('sharp') as { versions: { vips?: string } };
    expect(sharp.versions.vips).toEqual(expect.any(String));
    for (const pkg of ['typescript', 'jest', 'ts-jest', 'turbo', '@biomejs/biome', 'kubernetes-models', 'testcontainers']) {
      expect({ pkg, installed: has(pkg) }).toEqual({ pkg, installed: false });
    }
  });

  it.each(['gateway', 'worker'])('loads the whole %s and stops with one clear line on a bad setting', async (app) => {
    const main = join(appDir, 'apps', app, 'dist', 'main.js');
    expect({ main, exists: existsSync(main) }).toEqual({ main, exists: true });
    const proc = spawn(process.execPath, [main], {
      cwd: appDir,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', REDIS_URL: 'http://not-redis', MONGO_URL: 'mongodb://127.0.0.1:1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { code, stderr } = await exited(proc, 15_000);
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: REDIS_URL /)]);
  });

  describe('started against real Redis and MongoDB', () => {
    const namespaces: TestNamespace[] = [];
    const urls = { redisUrl: process.env.REDIS_URL ?? '', mongoUrl: process.env.MONGO_URL ?? '' };

    beforeAll(() => {
      if (!urls.redisUrl || !urls.mongoUrl) {
        throw new Error('REDIS_URL and MONGO_URL are not set: the jest preset’s testkit globalSetup provides them');
      }
    });

    afterAll(async () => {
      for (const ns of namespaces) await dropNamespace(ns, urls);
    });

    it.each([
      ['gateway', { JWT_SECRET: randomBytes(24).toString('hex'), SHUTDOWN_TIMEOUT_MS: '5000' }],
      ['worker', {}],
    ] as const)(
      'runs the %s: ready on /readyz, then drains and exits 0 on SIGTERM',
      async (app, extraEnv) => {
        const main = join(appDir, 'apps', app, 'dist', 'main.js');
        expect({ main, exists: existsSync(main) }).toEqual({ main, exists: true });
        const ns = uniqueNamespace(`image-${app}`);
        namespaces.push(ns);
        const port = await freePort();
        const proc = spawn(process.execPath, [main], {
          cwd: appDir,
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'production',
            HOST: '127.0.0.1',
            PORT: String(port),
            POD_NAME: `image-test-${app}`,
            REDIS_URL: urls.redisUrl,
            MONGO_URL: urls.mongoUrl,
            REDIS_PREFIX: ns.prefix,
            MONGO_DB: ns.db,
            LOG_LEVEL: 'warn',
            ...extraEnv,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const exit = exited(proc, 60_000);
        try {
          await waitForStatus(port, '/readyz', 200, 30_000, exit);
          expect(await httpStatus(port, '/healthz')).toBe(200);
          if (app === 'gateway') expect(await websocketUpgradeStatus(port)).toBe(101);
        } finally {
          proc.kill('SIGTERM');
        }
        const { code, stderr } = await exit;
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      },
      90_000,
    );
  });
});

function exited(proc: ChildProcess, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`process did not exit within ${timeoutMs} ms; stderr: ${stderr}; stdout: ${stdout.slice(-2000)}`));
    }, timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until the status is seen; fails early, with the app's output, if the process exits. */
async function waitForStatus(
  port: number,
  path: string,
  status: number,
  timeoutMs: number,
  exit: Promise<{ code: number | null; stderr: string; stdout: string }>,
): Promise<void> {
  let exitedEarly: { code: number | null; stderr: string; stdout: string } | undefined;
  void exit.then((e) => {
    exitedEarly = e;
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exitedEarly)
      throw new Error(
        `exited with ${exitedEarly.code} before ${path} answered ${status}: ${exitedEarly.stderr}${exitedEarly.stdout.slice(-2000)}`,
      );
    try {
      const got = await httpStatus(port, path);
      if (got === status) return;
      last = String(got);
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${path} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/** Status of a Socket.IO WebSocket handshake: 101 when the upgrade goes through. */
function websocketUpgradeStatus(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      timeout: 5000,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
