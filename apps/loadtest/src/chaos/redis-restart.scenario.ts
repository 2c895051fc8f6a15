import { nowMs } from '../load/clock';
import { waitUntil } from '../load/concurrency';
import { type AckRecord, finishAfterDataLoss, lastSeqByRoom, progressLogger, startChaosLoad, withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';
import { allReady, StoreProbe } from './store-probe';

const RECOVERY_LIMIT_MS = 30_000;

/**
 * redis-server killed and restarted empty under load: counters, idempotency keys, presence and
 * the adapter's subscriptions are gone. Gateways and worker must recover by themselves, the
 * counters be re-seeded from MongoDB, and no seq be handed out twice.
 */
export const redisRestartScenario: ChaosScenario = {
  name: 'redis-restart',
  title: 'restart redis-server (nothing kept) under load',
  run: async (context) => {
    const redis = context.services.redis;
    if (!redis) return { checks: [], facts: {}, skipped: 'needs a redis-server this run started itself (REDIS_URL was given)' };
    return withCluster(context, 'redis', { worker: 'if-built' }, async (cluster) => {
      const short = context.scale === 'short';
      // Well below the cluster's maximum on FerretDB (see docs/benchmarks.md): the scenario tests the fault, not an overload.
      const rate = 20;
      const durationMs = short ? 9000 : 25_000;
      const acks: AckRecord[] = [];
      const run = await startChaosLoad(
        cluster,
        { rooms: short ? 3 : 4, membersPerRoom: short ? 5 : 6, sendersPerRoom: 2 },
        {
          onAck: (sent, sentAt) =>
            acks.push({ roomId: sent.roomId, seq: sent.seq, sentAt, messageId: sent.messageId, ackAt: nowMs(), duplicate: sent.duplicate }),
        },
      );
      const probe = await StoreProbe.open(context.services.mongoUrl, cluster.env.MONGO_DB!);
      try {
        const onTick = progressLogger(context, 'redis-restart');
        const load = run.drive({ rate, durationMs, rampUpMs: 500, ...(onTick ? { onTick } : {}) });
        await waitUntil(() => run.meter.total.accepted >= rate * (durationMs / 4000), durationMs);
        const before = lastSeqByRoom(acks);
        context.log('redis-restart: kill -9 redis-server, restart it empty on the same port');
        redis.kill('SIGKILL');
        await redis.process.exited;
        await redis.restart();
        const restartedAt = nowMs();
        const recovered = await waitUntil(
          async () =>
            // A send made after the restart was acknowledged: allocation, store and ack all work again.
            acks.some((a) => a.sentAt > restartedAt) && (await allReady(cluster.urls)) && (!cluster.worker || cluster.worker.running),
          RECOVERY_LIMIT_MS,
          100,
        );
        const recoveredAt = nowMs();
        const recoverySeconds = Math.round((recoveredAt - restartedAt) / 100) / 10;
        const { final, checks } = await finishAfterDataLoss(run, load, probe, {
          acks,
          before,
          liveCheck: 'live broadcast across pods recovered (adapter resubscribed)',
        });
        const alive = cluster.gateways.every((g) => g.proc.running) && (!cluster.worker || cluster.worker.running);
        return {
          checks: [
            check(
              'gateways and worker recover by themselves within 30 s',
              recovered && alive,
              recovered
                ? `sends acknowledged again and every /readyz 200 ${recoverySeconds} s after the restart; processes alive: ${alive}`
                : `not recovered ${RECOVERY_LIMIT_MS / 1000} s after the restart`,
            ),
            ...checks,
          ],
          facts: {
            recoverySeconds,
            acked: run.ledger.ackedCount,
            errors: run.meter.errors,
            raw: final.raw,
            // Which messages were shown out of order, with their send and ack times relative to the restart.
            outOfOrder: outOfOrderDetails(run.ledger.outOfOrder, acks, restartedAt),
          },
        };
      } finally {
        await run.close();
        await probe.close();
      }
    });
  },
};

function outOfOrderDetails(
  shown: Array<{ roomId: string; seq: number; messageId: string; afterSeq: number; late: boolean; atMs: number }>,
  acks: Array<{ messageId: string; sentAt: number; ackAt: number; duplicate: boolean }>,
  restartedAt: number,
): Array<Record<string, unknown>> {
  const seen = new Set<string>();
  return shown
    .filter((s) => !seen.has(s.messageId) && seen.add(s.messageId))
    .slice(0, 10)
    .map((s) => {
      const ack = acks.find((a) => a.messageId === s.messageId);
      const rel = (t: number | undefined) => (t === undefined ? undefined : Math.round(t - restartedAt));
      return {
        roomId: s.roomId,
        seq: s.seq,
        afterSeq: s.afterSeq,
        late: s.late,
        shownMs: rel(s.atMs),
        sentMs: rel(ack?.sentAt),
        ackMs: rel(ack?.ackAt),
        duplicate: ack?.duplicate,
      };
    });
}
