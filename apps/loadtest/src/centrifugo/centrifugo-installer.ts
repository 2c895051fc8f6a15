import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type GoBinarySpec, installGoBinary } from '@campzone/testkit';

const run = promisify(execFile);

export const CENTRIFUGO_VERSION = 'v6.9.1';

/** Its go.mod has no replace directives, so a plain install builds the release's code. */
const CENTRIFUGO: GoBinarySpec = {
  name: 'centrifugo',
  packagePath: 'github.com/centrifugal/centrifugo/v6',
  version: CENTRIFUGO_VERSION,
  buildMinutes: 30,
  buildTimeHint: 'several minutes on a cold Go cache',
  works: async (binary) => {
    try {
      const { stdout } = await run(binary, ['version'], { timeout: 10_000 });
      // A `go install` build says "Centrifugo v0.0.0": releases set the version by -ldflags.
      return /centrifugo/i.test(stdout);
    } catch {
      return false;
    }
  },
};

/** A Centrifugo v6.9.1 binary: on PATH or cached beside FerretDB in ~/.cache/campzone/bin, else built with Go. */
export async function installCentrifugo(log: (line: string) => void = () => undefined): Promise<string> {
  const binary = await installGoBinary(CENTRIFUGO, { log });
  if (!binary) throw new Error(`Centrifugo ${CENTRIFUGO_VERSION} is not cached in ~/.cache/campzone/bin and Go is not on PATH to build it`);
  return binary;
}
