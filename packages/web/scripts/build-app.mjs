// Builds the static web client into dist/public: app.js (the app and the SDK's browser bundle,
// socket.io-client inside, in one ES module), index.html, styles.css and the icon. Nothing is
// loaded from another origin, so the gateway can serve it under a CSP of 'self' only.

import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = join(root, 'src', 'app');
const outDir = join(root, 'dist', 'public');
const staticFiles = ['index.html', 'styles.css', 'message-changes.css', 'favicon.svg'];

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const result = await build({
  entryPoints: [join(appDir, 'main.ts')],
  outfile: join(outDir, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  // `@campzone/client/browser` resolves through its "import" condition to the SDK's ESM bundle.
  conditions: ['browser', 'import'],
  sourcemap: true,
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});

// The service worker is its own script at the site's root, so its scope is the whole page.
await build({
  entryPoints: [join(root, 'src', 'service-worker', 'sw.ts')],
  outfile: join(outDir, 'sw.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  logLevel: 'warning',
});

const inputs = Object.keys(result.metafile.inputs);
const leaked = inputs.filter((p) => p.includes('@sinclair/typebox') || p.includes('node_modules/ws/'));
if (leaked.length > 0) {
  console.error(`web client bundle pulled in server-only modules:\n  ${leaked.join('\n  ')}`);
  process.exit(1);
}

for (const file of staticFiles) await copyFile(join(appDir, file), join(outDir, file));

// A reference to another origin in the page would break under the CSP (and leak the visit).
const html = await readFile(join(outDir, 'index.html'), 'utf8');
const external = html.match(/(?:src|href)\s*=\s*"(?:https?:)?\/\/[^"]*"/g);
if (external) {
  console.error(`index.html references another origin: ${external.join(', ')}`);
  process.exit(1);
}

const { size } = await stat(join(outDir, 'app.js'));
console.log(`built dist/public (app.js ${(size / 1024).toFixed(1)} KiB, ${inputs.length} inputs)`);
