import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Progress lines (stderr only: stdout is the result the caller parses). */
  onStderrLine?: (line: string) => void;
}

/** Runs a short-lived command to completion; never rejects, so callers decide what failure means. */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (result: CommandResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(result);
    };
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, stdout, stderr: `${stderr}\n${file} timed out after ${options.timeoutMs} ms` });
    }, options.timeoutMs ?? 10_000);
    const forward = (chunk: string): void => {
      if (!options.onStderrLine) return;
      for (const line of chunk.split(/\r?\n/)) {
        if (line.trim() !== '') options.onStderrLine(line);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      forward(chunk);
    });
    child.on('error', (error) => finish({ code: null, stdout, stderr: `${stderr}\n${error.message}` }));
    child.on('close', (code) => finish({ code, stdout, stderr }));
  });
}
