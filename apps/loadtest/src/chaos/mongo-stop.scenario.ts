import { nowMs } from '../load/clock';
import { sleep, waitUntil } from '../load/concurrency';
import { correctnessChecks, progressLogger, startChaosLoad, withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';
import { allReady, StoreProbe } from './store-probe';

const OUTAGE_MS = 5000;
const RECOVERY_LIMIT_MS = 30_000;

/**
 * The MongoDB-wire server stopped for 5 s under load: sends must get UNAVAILABLE (or wait),
 * never an ack for a message that is not stored, and everything recovers once it is back.
 */
export const mongoStopScenario: ChaosScenario = {
  name: 'mongo-stop',
  title: 'stop the MongoDB-wire server for 5 s under load',
  run: async (context) => {
    const mongo = context.services.mongo;
    if (!mongo) return { checks: [], facts: {}, skipped: 'needs a MongoDB-wire server this run started itself (MONGO_URL was given)' };
    return withCluster(context, 'mongo', {}, async (cluster) => {
      const short = context.scale === 'short';
      // Well below the cluster's maximum on FerretDB (see docs/benchmarks.md): the scenario tests the fault, not an overload.
      const rate = short ? 15 : 20;
      const durationMs = short ? 12_000 : 20_000;
      const acks: Array<{ messageId: string; sentAt: number; ackAt: number }> = [];
      const run = await startChaosLoad(
        cluster,
        { rooms: short ? 3 : 4, membersPerRoom: 5, sendersPerRoom: 2 },
        { onAck: (sent, sentAt) => acks.push({ messageId: sent.messageId, sentAt, ackAt: nowMs() }) },
      );
      try {
        const onTick = progressLogger(context, 'mongo-stop');
        const load = run.drive({ rate, durationMs, rampUpMs: 500, ...(onTick ? { onTick } : {}) });
        await waitUntil(() => run.meter.total.accepted >= rate * 2, durationMs);
        const unavailableBefore = run.meter.errors.UNAVAILABLE ?? 0;
        context.log(`mongo-stop: stopping ${mongo.kind} for ${OUTAGE_MS / 1000} s`);
        await mongo.halt();
        const downAt = nowMs();
        context.log(`mongo-stop: ${mongo.kind} stopped (running: ${mongo.process.running}); acks so far ${acks.length}`);
        // The outage itself is the scenario's parameter, not a wait for an event.
        await sleep(OUTAGE_MS);
        const upStartedAt = nowMs();
        context.log(`mongo-stop: restarting it; ${acks.filter((a) => a.ackAt > downAt).length} sends were acknowledged while it was down`);
        await mongo.restart();
        const upAt = nowMs();
        const unavailableDuring = (run.meter.errors.UNAVAILABLE ?? 0) - unavailableBefore;
        const recovered = await waitUntil(
          async () => acks.some((a) => a.sentAt > upAt) && (await allReady(cluster.urls)),
          RECOVERY_LIMIT_MS,
          100,
        );
        const recoverySeconds = Math.round((nowMs() - upAt) / 100) / 10;
        await load;
        const final = await run.finish(60_000);
        // An ack that arrived while the server was down, for a send made after it went down,
        // can only be an ack of something not stored.
        const early = acks.filter((a) => a.sentAt > downAt && a.ackAt < upStartedAt).length;
        const ackedDuringOutage = acks.filter((a) => a.ackAt > downAt && a.ackAt < upStartedAt).length;
        const probe = await StoreProbe.open(context.services.mongoUrl, cluster.env.MONGO_DB!);
        const ids = acks.map((a) => a.messageId);
        const stored = await probe.countStored([...new Set(ids)]).finally(() => probe.close());
        return {
          checks: [
            check(
              'sends during the outage get UNAVAILABLE or wait, never an ack',
              early === 0,
              `${early} sends made while it was down were acknowledged before it came back; ${unavailableDuring} UNAVAILABLE answers; ${ackedDuringOutage} acks in all during the outage`,
            ),
            check(
              'every acknowledged message is stored',
              stored === new Set(ids).size,
              `${stored} of ${new Set(ids).size} acknowledged messages found in MongoDB`,
            ),
            check(
              'all recover after it is back',
              recovered && final.unacknowledged === 0,
              recovered
                ? `sends acknowledged again ${recoverySeconds} s after restart; ${final.unacknowledged} unacknowledged at the end`
                : 'no recovery within 30 s',
            ),
            ...correctnessChecks(final, run.ledger.ackedCount),
          ],
          facts: {
            outageMs: Math.round(upStartedAt - downAt),
            recoverySeconds,
            unavailableDuring,
            acked: run.ledger.ackedCount,
            errors: run.meter.errors,
          },
        };
      } finally {
        await run.close();
      }
    });
  },
};
