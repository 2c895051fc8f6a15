import { access, chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GoBinarySpec, installGoBinary, pathLocator } from '../src';

// `go` here is a shell script standing in for the toolchain's `go install`: it writes the binary
// into $GOBIN as the real one does, so the installer's temp GOBIN, lock, rename and clean-up run
// for real without a network build (the real builds run in `install-s3` and the bench).
const spec: GoBinarySpec = {
  name: 'hello',
  packagePath: 'example.com/hello/cmd/hello',
  version: 'v1.0.0',
  buildMinutes: 1,
  buildTimeHint: 'instant',
  works: async (binary) => binary.endsWith('hello-v1.0.0') || binary.endsWith('/hello'),
};

describe('installGoBinary', () => {
  let binDir: string;
  let cacheDir: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  beforeEach(async () => {
    binDir = await mkdtemp(join(tmpdir(), 'testkit-go-'));
    cacheDir = await mkdtemp(join(tmpdir(), 'testkit-cache-'));
    lines.length = 0;
  });
  afterEach(async () => {
    await rm(binDir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  async function fakeGo(script: string): Promise<void> {
    await writeFile(join(binDir, 'go'), `#!/bin/sh\n${script}\n`);
    await chmod(join(binDir, 'go'), 0o755);
  }

  it('builds into a temporary GOBIN, caches the binary under NAME-VERSION and removes the GOBIN', async () => {
    await fakeGo('echo "$2" > "$GOBIN/hello.args"; printf "#!/bin/sh\\necho hi\\n" > "$GOBIN/hello"; chmod +x "$GOBIN/hello"');
    const binary = await installGoBinary(spec, { locator: pathLocator(binDir), cacheDir, log });
    expect(binary).toBe(join(cacheDir, 'hello-v1.0.0'));
    await expect(access(binary ?? '')).resolves.toBeUndefined();
    expect((await readdir(cacheDir)).sort()).toEqual(['hello-v1.0.0']);
    expect(lines).toContain('building hello v1.0.0 with go install (instant)');
    expect((await readdir(tmpdir())).filter((name) => name.startsWith('campzone-hello-'))).toEqual([]);
  });

  it('reuses the cached binary without calling go again', async () => {
    await fakeGo('printf "#!/bin/sh\\n" > "$GOBIN/hello"; chmod +x "$GOBIN/hello"');
    await installGoBinary(spec, { locator: pathLocator(binDir), cacheDir, log });
    await fakeGo('exit 9');
    await expect(installGoBinary(spec, { locator: pathLocator(binDir), cacheDir, log })).resolves.toBe(join(cacheDir, 'hello-v1.0.0'));
  });

  it('throws with go’s exit code and stderr when the build fails, and caches nothing', async () => {
    await fakeGo('echo "module example.com/hello: not found" >&2; exit 1');
    await expect(installGoBinary(spec, { locator: pathLocator(binDir), cacheDir, log })).rejects.toThrow(
      /go install example\.com\/hello\/cmd\/hello@v1\.0\.0 failed \(exit 1\): module example\.com\/hello: not found/,
    );
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('returns undefined when there is neither a binary nor Go', async () => {
    await expect(installGoBinary(spec, { locator: pathLocator(''), cacheDir })).resolves.toBeUndefined();
  });
});
