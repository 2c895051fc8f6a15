import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findExecutable } from './binary.locator';

// A SIGKILLed parent runs no handlers at all, and inside jest `process.on` is a sandbox no-op,
// so on Linux every child also gets a kernel parent-death signal. `setpriv` (util-linux, on
// every Debian) sets it and then execs the command, so the pid callers see is the real one.
const SETPRIV_PATHS = ['/usr/bin/setpriv', '/bin/setpriv'];
let setpriv: string | null | undefined;

function findSetpriv(): string | null {
  if (setpriv === undefined) {
    setpriv = process.platform === 'linux' ? (SETPRIV_PATHS.find((path) => existsSync(path)) ?? null) : null;
  }
  return setpriv;
}

export interface SpawnSupervisedOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Spawns with piped stdio; throws right away (not via 'error') when the command does not exist. */
export function spawnSupervised(command: string, args: readonly string[], options: SpawnSupervisedOptions): ChildProcess {
  const executable = findExecutable(command, options.env.PATH ?? '');
  if (!executable) {
    throw new Error(`Command not found: ${command} (searched PATH=${options.env.PATH ?? ''})`);
  }
  const guard = findSetpriv();
  const [file, argv] = guard ? [guard, ['--pdeathsig', 'SIGKILL', '--', executable, ...args]] : [executable, [...args]];
  return spawn(file, argv, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}
