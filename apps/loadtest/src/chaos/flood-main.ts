import { parseArgs } from 'node:util';
import { mapLimit, sleep } from '../load/concurrency';
import { malformedPayloads } from './malformed-payloads';
import { connectRaw, type RawSocket } from './raw-member';

// The malformed flood as its own process: the scenario's load generator measures well-formed
// latency, and sending 10 000 payloads from the same event loop would inflate that measure.
// Prints {"msg":"flood connected"} once the sockets are up, waits for SIGUSR2, then
// prints the tally as {"msg":"flood done",...}.

export interface FloodTally {
  refused: number;
  accepted: number;
  unanswered: number;
  errorEvents: number;
  codes: Record<string, number>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      urls: { type: 'string' },
      users: { type: 'string' },
      room: { type: 'string' },
      total: { type: 'string' },
      window: { type: 'string' },
    },
  });
  const urls = (values.urls ?? '').split(',');
  const users = (values.users ?? '').split(',');
  const roomId = values.room ?? '';
  const total = Number(values.total);
  const windowMs = Number(values.window);
  const sockets = await mapLimit(users, 10, (user, i) => connectRaw(urls[i % urls.length]!, user));
  const tally: FloodTally = { refused: 0, accepted: 0, unanswered: 0, errorEvents: 0, codes: {} };
  for (const socket of sockets) {
    socket.on('error', () => {
      tally.errorEvents += 1;
    });
  }
  process.stdout.write(`${JSON.stringify({ msg: 'flood connected', sockets: sockets.length })}\n`);
  await new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
  await flood(sockets, roomId, total, windowMs, tally);
  // Error events trail their acks by a moment; give the last ones time to land.
  await sleep(500);
  process.stdout.write(`${JSON.stringify({ msg: 'flood done', ...tally })}\n`);
  // Stay connected until stopped: the scenario measures a window after the flood too.
  const stop = () => {
    for (const socket of sockets) socket.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Sends `total` malformed payloads spread evenly over the sockets and over `windowMs`. */
async function flood(sockets: RawSocket[], roomId: string, total: number, windowMs: number, tally: FloodTally): Promise<void> {
  const payloads = malformedPayloads(roomId);
  const answers: Array<Promise<void>> = [];
  let sent = 0;
  const started = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.ceil(((performance.now() - started) / windowMs) * total));
    for (; sent < due; sent++) {
      // In turn, so all 50 flood at once (and every gateway gets its share), not one after another.
      const socket = sockets[sent % sockets.length]!;
      const { event, payload } = payloads[sent % payloads.length]!;
      answers.push(
        new Promise<void>((resolve) => {
          const emitter = socket.timeout(15_000) as unknown as { emit(e: string, ...args: unknown[]): void };
          const onAnswer = (err: Error | null, response?: { ok?: unknown; error?: { code?: unknown } }) => {
            if (err) tally.unanswered += 1;
            else if (response?.ok === false) {
              tally.refused += 1;
              const code = typeof response.error?.code === 'string' ? response.error.code : 'unknown';
              tally.codes[code] = (tally.codes[code] ?? 0) + 1;
            } else tally.accepted += 1;
            resolve();
          };
          if (payload === undefined) emitter.emit(event, onAnswer);
          else emitter.emit(event, payload, onAnswer);
        }),
      );
    }
    await sleep(5);
  }
  await Promise.all(answers);
}

main().catch((err: unknown) => {
  process.stderr.write(`flood failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
