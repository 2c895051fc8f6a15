import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { signHs256 } from '../auth/hs256-signer';
import { mapLimit } from '../load/concurrency';

// A child process holding N idle sockets to one server, for the memory benchmark: the sockets
// live outside the benchmark's own process so their memory and CPU are not the measurer's.
// Prints {"msg":"idle connected",...} once all attempts settled; closes them on SIGTERM.

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      count: { type: 'string' },
      secret: { type: 'string' },
      prefix: { type: 'string' },
      'sockets-per-user': { type: 'string' },
    },
  });
  const url = values.url;
  const count = Number(values.count);
  const secret = values.secret;
  if (!url || !secret || !Number.isInteger(count) || count < 1) throw new Error('--url, --count and --secret are required');
  const prefix = values.prefix ?? 'idle';
  const perUser = Number(values['sockets-per-user'] ?? 1);
  const sockets: Socket[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const tokens = new Map<number, string>();
  await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    100,
    (i) =>
      new Promise<void>((resolve) => {
        const user = Math.floor(i / perUser);
        let token = tokens.get(user);
        if (!token) {
          token = signHs256(secret, `${prefix}u${user}`);
          tokens.set(user, token);
        }
        const socket = io(url, { forceNew: true, reconnection: false, transports: ['websocket'], auth: { token }, timeout: 60_000 });
        socket.once('connected', () => {
          sockets.push(socket);
          resolve();
        });
        socket.once('connect_error', (err) => {
          failed += 1;
          firstError ??= err.message;
          socket.close();
          resolve();
        });
      }),
  );
  process.stdout.write(`${JSON.stringify({ msg: 'idle connected', connected: sockets.length, failed, firstError })}\n`);
  const stop = () => {
    for (const socket of sockets) socket.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`idle connector failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
