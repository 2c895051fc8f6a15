import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 100;

export interface PollOptions {
  timeoutMs: number;
  /** Checked between attempts, so a crashed process fails the wait at once instead of at the timeout. */
  gaveUp?: () => boolean;
}

async function pollUntil(what: string, attempt: () => Promise<boolean>, options: PollOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.gaveUp?.()) throw new Error(`gave up waiting for ${what}: the process exited`);
    if (await attempt()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
    await sleep(POLL_INTERVAL_MS);
  }
}

export function waitForHttpOk(url: string, options: PollOptions): Promise<void> {
  return pollUntil(
    `${url} to answer 2xx`,
    async () => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        return response.ok;
      } catch {
        return false;
      }
    },
    options,
  );
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolveAttempt) => {
    const socket = connect({ port, host });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolveAttempt(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export function waitForTcpPort(port: number, host: string, options: PollOptions): Promise<void> {
  return pollUntil(`${host}:${port} to accept connections`, () => canConnect(port, host), options);
}
