import { mapLimit, sleep } from '../load/concurrency';
import { newRunId } from '../load/room-plan';
import { correctnessChecks, startChaosLoad, withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';
import { malformedPayloads } from './malformed-payloads';
import { connectRaw, createRoomAs, type RawSocket } from './raw-member';
import { StoreProbe } from './store-probe';

/** Below this, a p99 on loopback is timer noise: the 2x comparison starts from here. */
const P99_FLOOR_MS = 10;

interface FloodTally {
  refused: number;
  accepted: number;
  unanswered: number;
  errorEvents: number;
  codes: Record<string, number>;
}

/**
 * 10 000 malformed payloads from 50 sockets (members of the room they target) while well-formed
 * traffic runs: every one answered with an error, nothing stored, and the well-formed traffic's
 * p99 within 2x of what it was without the flood.
 */
export const malformedFloodScenario: ChaosScenario = {
  name: 'malformed-flood',
  title: '10,000 malformed payloads from 50 sockets',
  run: (context) =>
    withCluster(context, 'flood', {}, async (cluster) => {
      const short = context.scale === 'short';
      const sockets = short ? 10 : 50;
      const total = short ? 500 : 10_000;
      const windowMs = short ? 3000 : 6000;
      const rate = short ? 20 : 40;
      const id = newRunId();
      const floodRoom = `fl${id}`;
      const attackers = Array.from({ length: sockets }, (_, i) => `fl${id}a${i}`);
      await createRoomAs(cluster.urls[0]!, attackers[0]!, floodRoom, attackers.slice(1));
      const run = await startChaosLoad(cluster, { rooms: short ? 2 : 4, membersPerRoom: 5, sendersPerRoom: 2 });
      const flooders: RawSocket[] = [];
      const probe = await StoreProbe.open(context.services.mongoUrl, cluster.env.MONGO_DB!);
      try {
        flooders.push(...(await mapLimit(attackers, 10, (user, i) => connectRaw(cluster.urls[i % cluster.urls.length]!, user))));
        const baseline = await run.drive({ rate, durationMs: windowMs, rampUpMs: 500 });
        const tally: FloodTally = { refused: 0, accepted: 0, unanswered: 0, errorEvents: 0, codes: {} };
        for (const socket of flooders)
          socket.on('error', () => {
            tally.errorEvents += 1;
          });
        const [flooded] = await Promise.all([
          run.drive({ rate, durationMs: windowMs, rampUpMs: 0 }),
          flood(flooders, floodRoom, total, windowMs, tally),
        ]);
        const final = await run.finish(60_000);
        const storedInFloodRoom = await probe.countInRoom(floodRoom);
        const storedAll = await probe.countAll();
        const base = Math.max(baseline.sendToReceive.p99, P99_FLOOR_MS);
        const ratio = Math.round((flooded.sendToReceive.p99 / base) * 100) / 100;
        const alive = cluster.gateways.every((g) => g.proc.running);
        return {
          checks: [
            check(
              'every malformed payload answered with an error',
              tally.refused === total && tally.accepted === 0 && tally.unanswered === 0,
              `${tally.refused}/${total} refused (${Object.entries(tally.codes)
                .map(([c, n]) => `${c}=${n}`)
                .join(' ')}), ${tally.accepted} accepted, ${tally.unanswered} unanswered; ${tally.errorEvents} error events`,
            ),
            check(
              'nothing stored',
              storedInFloodRoom === 0 && storedAll === run.ledger.ackedCount,
              `${storedInFloodRoom} messages in the flooded room; ${storedAll} stored in all for ${run.ledger.ackedCount} well-formed sends acknowledged`,
            ),
            check('no gateway crashed', alive, `${cluster.gateways.filter((g) => g.proc.running).length}/3 gateways running`),
            check(
              'p99 of well-formed traffic within 2x',
              ratio <= 2,
              `send-to-receive p99 ${flooded.sendToReceive.p99} ms during the flood vs ${baseline.sendToReceive.p99} ms before (x${ratio}, floor ${P99_FLOOR_MS} ms)`,
            ),
            ...correctnessChecks(final, run.ledger.ackedCount),
          ],
          facts: { baselineP99Ms: baseline.sendToReceive.p99, floodP99Ms: flooded.sendToReceive.p99, ratio, tally },
        };
      } finally {
        for (const socket of flooders) socket.close();
        await run.close();
        await probe.close();
      }
    }),
};

/** Sends `total` malformed payloads spread evenly over the sockets and over `windowMs`. */
async function flood(sockets: RawSocket[], roomId: string, total: number, windowMs: number, tally: FloodTally): Promise<void> {
  const payloads = malformedPayloads(roomId);
  const perSocket = Math.ceil(total / sockets.length);
  const answers: Array<Promise<void>> = [];
  let sent = 0;
  const started = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.ceil(((performance.now() - started) / windowMs) * total));
    for (; sent < due; sent++) {
      const socket = sockets[Math.floor(sent / perSocket) % sockets.length]!;
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
