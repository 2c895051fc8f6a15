import { parseArgs } from 'node:util';
import { Centrifuge } from 'centrifuge';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
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
      protocol: { type: 'string' },
    },
  });
  const url = values.url;
  const count = Number(values.count);
  const secret = values.secret;
  if (!url || !secret || !Number.isInteger(count) || count < 1) throw new Error('--url, --count and --secret are required');
  const prefix = values.prefix ?? 'idle';
  const perUser = Number(values['sockets-per-user'] ?? 1);
  const centrifugo = values.protocol === 'centrifugo';
  const sockets: Array<{ close(): void }> = [];
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
        if (centrifugo) {
          // Connected, no subscription: the idle state of a Centrifugo client, as of ours.
          const client = new Centrifuge(url, { token, websocket: WebSocket, timeout: 60_000, maxReconnectDelay: 60_000 });
          client.once('connected', () => {
            sockets.push({ close: () => client.disconnect() });
            resolve();
          });
          client.once('disconnected', (ctx) => {
            failed += 1;
            firstError ??= ctx.reason;
            resolve();
          });
          client.connect();
          return;
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
