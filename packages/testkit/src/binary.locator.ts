import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Where testkit looks for redis-server, mongod, ferretdb and go; injectable so tests can hide them. */
export interface BinaryLocator {
  find(name: string): string | undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Resolves a command the way a shell would: paths as given, bare names through `pathEnv`. */
export function findExecutable(command: string, pathEnv: string): string | undefined {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(command);
    return isExecutableFile(path) ? path : undefined;
  }
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function pathLocator(pathEnv: string = process.env.PATH ?? ''): BinaryLocator {
  return { find: (name) => findExecutable(name, pathEnv) };
}
