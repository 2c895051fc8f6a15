import { spawn } from 'node:child_process';
import path from 'node:path';

/** The built `npm run bench` entry point, at the checkout's root. */
export const BENCH_ENTRY = path.join(__dirname, '..', '..', '..', 'scripts', 'bench.mjs');

/** Runs a built entry point (`npm run loadtest`'s unless told) as a process and collects what it printed. */
export function runCli(
  args: string[],
  entry = path.join(__dirname, '..', 'dist', 'main.js'),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
