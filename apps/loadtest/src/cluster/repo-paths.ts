import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The monorepo root: the nearest directory above this file whose package.json declares
 * workspaces. The cluster starts the other apps' built entry points from there (by path, as
 * processes: apps never import each other).
 */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
      if (parsed.workspaces) return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no workspace root above ${from}`);
  }
}

export function gatewayEntry(root = repoRoot()): string {
  return path.join(root, 'apps', 'gateway', 'dist', 'main.js');
}

export function workerEntry(root = repoRoot()): string {
  return path.join(root, 'apps', 'worker', 'dist', 'main.js');
}

/** This app's own compiled entry points (the bare server, the idle connector). */
export function loadtestDist(...parts: string[]): string {
  return path.join(repoRoot(), 'apps', 'loadtest', 'dist', ...parts);
}
