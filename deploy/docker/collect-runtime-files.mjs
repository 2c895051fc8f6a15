#!/usr/bin/env node
// Copies what the runtime image needs out of a built checkout: the root package.json and
// lockfile, and for every workspace its package.json plus the entries of its "files" field
// (the same set `npm pack` would publish, usually just dist/). Sources, tests and dev configs
// stay behind. Every workspace's package.json is copied, built or not, because `npm ci`
// refuses a lockfile whose workspaces are missing.
//
// Workspace manifests lose their devDependencies on the way: `npm ci --workspace=X` follows
// X's devDependencies too, and --omit=dev cannot drop what they pull in when it is itself a
// workspace (an app's devDependency on @campzone/testkit would ship testcontainers). The
// lockfile still matches, since the root keeps every workspace.
//
// The Dockerfile's build stage runs it, and deploy/test/docker-runtime.test.ts runs it too,
// so the image's install and start steps are exercised without a Docker engine.
//
// Usage: node deploy/docker/collect-runtime-files.mjs <repo-root> <out-dir>
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [root, out] = process.argv.slice(2);
if (!root || !out) {
  console.error('usage: collect-runtime-files.mjs <repo-root> <out-dir>');
  process.exit(2);
}

/** Expands the root's "workspaces" entries; only `dir/*` and plain paths are used in this repo. */
function workspaceDirs(rootDir) {
  const { workspaces = [] } = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = join(rootDir, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const name of readdirSync(parent).sort()) dirs.push(join(parent, name));
    } else {
      dirs.push(join(rootDir, pattern));
    }
  }
  return dirs.filter((d) => existsSync(join(d, 'package.json')));
}

// Build artefacts that are of no use at run time.
const skipped = (path) => /\.(test|spec)\.(js|d\.ts|js\.map)$/.test(path) || path.endsWith('.tsbuildinfo');

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, filter: (src) => !skipped(src) });
}

mkdirSync(out, { recursive: true });
for (const file of ['package.json', 'package-lock.json']) copy(join(root, file), join(out, file));

for (const dir of workspaceDirs(root)) {
  const rel = relative(root, dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const { devDependencies: _dev, ...runtimeManifest } = pkg;
  mkdirSync(join(out, rel), { recursive: true });
  writeFileSync(join(out, rel, 'package.json'), `${JSON.stringify(runtimeManifest, null, 2)}\n`);
  for (const entry of pkg.files ?? []) {
    const src = join(dir, entry);
    // An unbuilt workspace (one the image does not run) simply has no dist/ yet.
    if (existsSync(src) && (statSync(src).isDirectory() || statSync(src).isFile())) copy(src, join(out, rel, entry));
  }
}
