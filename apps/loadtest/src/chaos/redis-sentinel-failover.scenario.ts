import { findSentinelBinary, startRedisSentinel } from '@campzone/testkit';
import { nowMs } from '../load/clock';
import { waitUntil } from '../load/concurrency';
import { correctnessChecks, progressLogger, startChaosLoad, withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';
import { allReady, StoreProbe } from './store-probe';

const RECOVERY_LIMIT_MS = 30_000;

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : Math.round(ms / 100) / 10);

/**
 * Redis behind Sentinel (a master, a replica, three sentinels), the gateways, the adapter and
 * the worker connected through REDIS_SENTINELS; kill -9 of the master under load. Everything
 * must follow the promoted replica by itself: no process restarted, every acknowledged message
 * shown exactly once and in order to every member, no seq reused (counters the replica had not
 * received yet are re-seeded from MongoDB when their seq collides).
 */
export const redisSentinelFailoverScenario: ChaosScenario = {
  name: 'redis-sentinel-failover',
  title: 'kill -9 the Redis master behind Sentinel under load',
  run: async (context) => {
    if (!findSentinelBinary())
      return {
        checks: [],
        facts: {},
        skipped: 'needs redis-sentinel or redis-server on PATH (Debian packages redis-sentinel, redis-server)',
      };
    const sentinel = await startRedisSentinel();
    try {
      const env = {
        REDIS_URL: '',
        REDIS_CLUSTER_NODES: '',
        REDIS_SENTINELS: sentinel.sentinelList,
        REDIS_SENTINEL_MASTER: sentinel.masterName,
      };
      return await withCluster(context, 'sentinel', { worker: 'if-built', env }, async (cluster) => {
        const short = context.scale === 'short';
        const rate = 20;
        const durationMs = short ? 9000 : 25_000;
        const acks: Array<{ roomId: string; seq: number; sentAt: number; ackAt: number }> = [];
        const run = await startChaosLoad(
          cluster,
          { rooms: short ? 3 : 4, membersPerRoom: short ? 5 : 6, sendersPerRoom: 2 },
          { onAck: (sent, sentAt) => acks.push({ roomId: sent.roomId, seq: sent.seq, sentAt, ackAt: nowMs() }) },
        );
        const probe = await StoreProbe.open(context.services.mongoUrl, cluster.env.MONGO_DB!);
        try {
          const onTick = progressLogger(context, 'redis-sentinel-failover');
          const load = run.drive({ rate, durationMs, rampUpMs: 500, ...(onTick ? { onTick } : {}) });
          await waitUntil(() => run.meter.total.accepted >= rate * (durationMs / 4000), durationMs);
          const refusals = () => Object.values(run.meter.errors).reduce((sum, n) => sum + n, 0);
          const refusedBefore = refusals();
          context.log('redis-sentinel-failover: kill -9 the Redis master');
          const killedAt = nowMs();
          const oldMaster = await sentinel.killMaster();
          // Refusals are counted by the meter; watching it tells when the first one came.
          let firstRefusedAt: number | undefined;
          const watchRefusals = setInterval(() => {
            if (firstRefusedAt === undefined && refusals() > refusedBefore) firstRefusedAt = nowMs();
          }, 20);
          const newMaster = await sentinel.waitForPromotion(oldMaster, RECOVERY_LIMIT_MS);
          const promotedAt = nowMs();
          context.log(`redis-sentinel-failover: sentinels promoted ${newMaster} after ${seconds(promotedAt - killedAt)} s`);
          const recovered = await waitUntil(
            async () =>
              acks.some((a) => a.sentAt > promotedAt) && (await allReady(cluster.urls)) && (!cluster.worker || cluster.worker.running),
            RECOVERY_LIMIT_MS,
            100,
          );
          await load;
          clearInterval(watchRefusals);
          const final = await run.finish(60_000);
          const stored = await probe.orderingFaults(run.rooms.map((r) => r.roomId));
          const alive = cluster.gateways.every((g) => g.proc.running) && (!cluster.worker || cluster.worker.running);
          const ackTimes = acks.map((a) => a.ackAt).sort((x, y) => x - y);
          // The longest stretch without any acknowledgement, from the kill on.
          let longestNoAckMs = 0;
          let previous = killedAt;
          for (const t of ackTimes.filter((at) => at > killedAt)) {
            longestNoAckMs = Math.max(longestNoAckMs, t - previous);
            previous = t;
          }
          const firstAcceptedAfterRefusal =
            firstRefusedAt === undefined ? undefined : ackTimes.find((at) => at > (firstRefusedAt ?? Number.POSITIVE_INFINITY));
          const facts = {
            promotionSeconds: seconds(promotedAt - killedAt),
            longestNoAckSeconds: seconds(longestNoAckMs),
            refusedToAcceptedSeconds:
              firstRefusedAt === undefined || firstAcceptedAfterRefusal === undefined
                ? undefined
                : seconds(firstAcceptedAfterRefusal - firstRefusedAt),
            // Sends issued while the clients reconnect wait in node-redis's offline queue rather than being refused.
            longestSendWaitSeconds: seconds(Math.max(0, ...acks.filter((a) => a.ackAt > killedAt).map((a) => a.ackAt - a.sentAt))),
            refusedSends: refusals() - refusedBefore,
            acked: run.ledger.ackedCount,
            errors: run.meter.errors,
            raw: final.raw,
          };
          context.log(`redis-sentinel-failover: ${JSON.stringify(facts)}`);
          return {
            checks: [
              check(
                'gateways, adapter and worker follow the new master by themselves, no process restarted',
                recovered && alive,
                recovered
                  ? `sends acknowledged again and every /readyz 200 after the promotion; processes alive: ${alive}`
                  : `not recovered ${RECOVERY_LIMIT_MS / 1000} s after the promotion`,
              ),
              check(
                'seq never reused, Lamport rises with seq (MongoDB)',
                stored.duplicateSeqs === 0 && stored.lamportRegressions === 0,
                `${stored.messages} stored messages: ${stored.duplicateSeqs} duplicate seqs, ${stored.lamportRegressions} Lamport regressions`,
              ),
              ...correctnessChecks(final, run.ledger.ackedCount),
            ],
            facts,
          };
        } finally {
          await run.close();
          await probe.close();
        }
      });
    } finally {
      await sentinel.stop();
    }
  },
};
