import type { Readable } from 'node:stream';
import { spawnSupervised } from './child-process.spawner';
import { onParentExit } from './exit-cleanup.registry';
import { waitForHttpOk } from './readiness.probe';

export interface StartProcessOptions {
  /** Shown in errors and timeouts, e.g. `gateway-1`. */
  name: string;
  command: string;
  args: string[];
  /** Added on top of the parent's environment (PATH and friends are kept). */
  env: Record<string, string>;
  cwd?: string;
  /** Ready once a GET on this URL answers 2xx. */
  readyUrl?: string;
  /** Ready once stdout or stderr prints a line matching this. */
  readyLine?: RegExp;
  /** How long to wait for readiness before the process is killed and start fails. Default 30 s. */
  timeoutMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Every stdout line so far (the newest 10 000), without line endings. */
  readonly stdoutLines: readonly string[];
  readonly stderrLines: readonly string[];
  /** Exit code, or null when a signal ended it. Never rejects. */
  readonly exited: Promise<number | null>;
  readonly running: boolean;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if still alive after `timeoutMs` (default 5 s); resolves once it is gone. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** Resolves with the first line (already printed or future, stdout or stderr) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The last lines of both streams, for error messages. */
  outputTail(lines?: number): string;
}

const MAX_LINES = 10_000;
const DEFAULT_READY_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const DEFAULT_LINE_TIMEOUT_MS = 10_000;

type LineListener = (line: string) => void;

function matches(pattern: RegExp, line: string): boolean {
  // A /g or /y pattern keeps lastIndex between calls and would skip matches.
  pattern.lastIndex = 0;
  return pattern.test(line);
}

function collectLines(stream: Readable | null, into: string[], listeners: Set<LineListener>): void {
  if (!stream) return;
  let partial = '';
  const push = (line: string): void => {
    into.push(line);
    if (into.length > MAX_LINES) into.shift();
    for (const listener of [...listeners]) listener(line);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) push(part.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (partial !== '') push(partial);
    partial = '';
  });
}

export async function startProcess(options: StartProcessOptions): Promise<ManagedProcess> {
  const child = spawnSupervised(options.command, options.args, { env: { ...process.env, ...options.env }, cwd: options.cwd });
  const stdoutLines: string[] = [];
  const stderrLines: string[] = [];
  const lineListeners = new Set<LineListener>();
  const exitListeners = new Set<() => void>();
  let running = true;

  const forget = onParentExit(() => {
    if (running) child.kill('SIGKILL');
  });
  collectLines(child.stdout, stdoutLines, lineListeners);
  collectLines(child.stderr, stderrLines, lineListeners);

  const exited = new Promise<number | null>((resolveExit) => {
    const done = (code: number | null): void => {
      if (!running) return;
      running = false;
      forget();
      resolveExit(code);
      for (const listener of [...exitListeners]) listener();
    };
    // 'close' (not 'exit') so every output line has been read before anyone hears of the exit.
    child.on('close', (code) => done(code));
    child.on('error', () => done(null));
  });

  const outputTail = (lines = 30): string => {
    const tail = [...stdoutLines.slice(-lines), ...stderrLines.slice(-lines).map((line) => `[stderr] ${line}`)];
    return tail.length > 0 ? tail.join('\n') : '(no output)';
  };

  const waitForLine = (pattern: RegExp, timeoutMs = DEFAULT_LINE_TIMEOUT_MS): Promise<string> => {
    const seen = [...stdoutLines, ...stderrLines].find((line) => matches(pattern, line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolveLine, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        lineListeners.delete(onLine);
        exitListeners.delete(onExit);
      };
      const onLine: LineListener = (line) => {
        if (!matches(pattern, line)) return;
        cleanup();
        resolveLine(line);
      };
      const onExit = (): void => {
        cleanup();
        reject(new Error(`${options.name} exited before printing a line matching ${pattern}:\n${outputTail()}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${options.name} printed no line matching ${pattern} within ${timeoutMs} ms:\n${outputTail()}`));
      }, timeoutMs);
      if (!running) {
        onExit();
        return;
      }
      lineListeners.add(onLine);
      exitListeners.add(onExit);
    });
  };

  const kill = (signal: NodeJS.Signals = 'SIGTERM'): void => {
    if (running) child.kill(signal);
  };

  const stop = async (timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<number | null> => {
    if (!running) return exited;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const escalate = new Promise<void>((resolveEscalate) => {
      timer = setTimeout(() => {
        kill('SIGKILL');
        resolveEscalate();
      }, timeoutMs);
    });
    await Promise.race([exited, escalate]);
    clearTimeout(timer);
    return exited;
  };

  const managed: ManagedProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    stdoutLines,
    stderrLines,
    exited,
    get running() {
      return running;
    },
    kill,
    stop,
    waitForLine,
    outputTail,
  };

  const timeoutMs = options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  try {
    const checks: Promise<unknown>[] = [];
    if (options.readyLine) checks.push(waitForLine(options.readyLine, timeoutMs));
    if (options.readyUrl) checks.push(waitForHttpOk(options.readyUrl, { timeoutMs, gaveUp: () => !running }));
    await Promise.all(checks);
  } catch (error) {
    await stop(1_000);
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new Error(`${options.name} did not become ready: ${reason}\n--- output ---\n${outputTail()}`);
  }
  return managed;
}
