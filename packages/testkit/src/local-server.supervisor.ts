import { getFreePort } from './free-port.allocator';
import { type ManagedProcess, startProcess } from './managed-process.runner';
import { createTempDir } from './temp-dir.factory';

/** A server binary run by testkit on 127.0.0.1, restartable on the same port for chaos tests. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  /** Kept across halt()/kill() and restart(); removed by stop(). */
  readonly dataDir: string;
  /** The current incarnation, e.g. to read its output. */
  readonly process: ManagedProcess;
  /** Stops the server for good and removes its data dir. */
  stop(): Promise<void>;
  /** Sends a signal without waiting (default SIGKILL, i.e. a crash); restart() brings it back. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops the server gracefully but keeps port and data for restart(). */
  halt(): Promise<void>;
  /** (Re)starts on the same port with the same data dir; resolves once it serves again. */
  restart(): Promise<void>;
}

export interface LocalServerSpec {
  name: string;
  /** Absolute path of the binary. */
  command: string;
  args(port: number, dataDir: string): string[];
  url(port: number): string;
  readyLine?: RegExp;
  /** Extra readiness check after readyLine, e.g. a protocol-level ping. */
  ready?(port: number, server: ManagedProcess): Promise<void>;
  prepare?(dataDir: string): Promise<void>;
  port?: number;
  timeoutMs?: number;
}

const PORT_ATTEMPTS = 3;
const PORT_IN_USE = /address already in use/i;

async function launch(spec: LocalServerSpec, port: number, dataDir: string): Promise<ManagedProcess> {
  const managed = await startProcess({
    name: `${spec.name}:${port}`,
    command: spec.command,
    args: spec.args(port, dataDir),
    env: {},
    ...(spec.readyLine ? { readyLine: spec.readyLine } : {}),
    timeoutMs: spec.timeoutMs ?? 30_000,
  });
  if (spec.ready) {
    try {
      await spec.ready(port, managed);
    } catch (error) {
      await managed.stop(1_000);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${spec.name}:${port} did not become ready: ${reason}\n--- output ---\n${managed.outputTail()}`);
    }
  }
  return managed;
}

export async function startLocalServer(spec: LocalServerSpec): Promise<LocalServer> {
  const dir = await createTempDir(spec.name);
  await spec.prepare?.(dir.path);
  let port = spec.port ?? (await getFreePort());
  let current: ManagedProcess | undefined;
  // A free port can be taken between getFreePort() and the server's bind; only then try another.
  for (let attempt = 1; current === undefined; attempt += 1) {
    try {
      current = await launch(spec, port, dir.path);
    } catch (error) {
      const retry = spec.port === undefined && attempt < PORT_ATTEMPTS && error instanceof Error && PORT_IN_USE.test(error.message);
      if (!retry) {
        await dir.remove();
        throw error;
      }
      port = await getFreePort();
    }
  }

  let running: ManagedProcess = current;
  let stopped = false;
  const halt = async (): Promise<void> => {
    await running.stop();
  };
  return {
    url: spec.url(port),
    port,
    dataDir: dir.path,
    get process() {
      return running;
    },
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      running.kill(signal);
    },
    halt,
    async restart() {
      if (stopped) throw new Error(`${spec.name}:${port} was stopped for good; start a new one`);
      await halt();
      running = await launch(spec, port, dir.path);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt();
      await dir.remove();
    },
  };
}
