// Bundles the SDK for browsers: one ESM file with socket.io-client's browser build inside, so
// the web client can import it directly or bundle it again. @campzone/protocol contributes
// types only (the SDK imports nothing else from it), so TypeBox stays out of the bundle.

import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'browser', 'campzone-client.mjs');

const result = await build({
  entryPoints: [join(root, 'src', 'index.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  sourcemap: true,
  minify: false,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const inputs = Object.keys(result.metafile.inputs);
const leaked = inputs.filter((p) => p.includes('@sinclair/typebox') || p.includes('node_modules/ws/'));
if (leaked.length > 0) {
  console.error(`browser bundle pulled in server-only modules:\n  ${leaked.join('\n  ')}`);
  process.exit(1);
}
const { size } = await stat(outfile);
console.log(`built ${outfile.slice(root.length + 1)} (${(size / 1024).toFixed(1)} KiB, ${inputs.length} inputs)`);
