import { type GoBinaryOptions, type GoBinarySpec, installGoBinary } from './go-binary.installer';

/**
 * gofakes3: an MIT-licensed S3-compatible server in one small Go module whose go.mod has no
 * `replace` directives, so a plain `go install` from the module proxy builds it (about 20 s
 * cold). SeaweedFS also works but builds for minutes; MinIO is AGPL.
 */
export const GOFAKES3_VERSION = 'v1.2.0';

const GOFAKES3: GoBinarySpec = {
  name: 'gofakes3',
  packagePath: 'github.com/johannesboyne/gofakes3/cmd/gofakes3',
  version: GOFAKES3_VERSION,
  buildMinutes: 15,
  buildTimeHint: 'about 20 s cold',
};

/** Where the binary is looked for: `cacheDir` holds `gofakes3-v1.2.0` (default `~/.cache/campzone/bin`). */
export type S3ServerInstallOptions = GoBinaryOptions;

/** Returns a gofakes3 binary, building it with `go install` when none exists; undefined without Go. */
export function installS3Server(options: S3ServerInstallOptions = {}): Promise<string | undefined> {
  return installGoBinary(GOFAKES3, options);
}
