import { keySlot, RedisKeys } from '@campzone/realtime';
import { startRedisCluster } from '@campzone/testkit';
import { nowMs } from '../load/clock';
import { waitUntil } from '../load/concurrency';
import { type AckRecord, finishAfterDataLoss, lastSeqByRoom, progressLogger, startChaosLoad, withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';
import { allReady, StoreProbe } from './store-probe';

const RECOVERY_LIMIT_MS = 30_000;
/** cluster-node-timeout: how long a silent master may be before its replica takes over. */
const NODE_TIMEOUT_MS = 1000;
/** How often the refused-send counter is sampled: the resolution of the unavailability window. */
const SAMPLE_MS = 20;

/**
 * kill -9 of the Redis Cluster master holding the busiest room's counters, under load, on a
 * Redis Cluster this scenario starts itself (3 masters + 3 replicas, sharded adapter). Its
 * replica takes over; gateways and worker must follow by themselves (no restart), counters
 * that rolled back with the asynchronous replication be re-seeded from MongoDB, and sends
 * refused in the meantime be answered UNAVAILABLE (retryable), never INTERNAL.
 */
export const redisClusterFailoverScenario: ChaosScenario = {
  name: 'redis-cluster-failover',
  title: 'kill -9 a Redis Cluster master under load (replica promoted)',
  run: async (context) => {
    const redis = await startRedisCluster({ nodeTimeoutMs: NODE_TIMEOUT_MS });
    try {
      const clustered = { ...context, services: { ...context.services, redisClusterNodes: redis.nodeList } };
      return await withCluster(clustered, 'cluster-failover', { worker: 'if-built' }, async (cluster) => {
        const short = context.scale === 'short';
        const rate = 20;
        const durationMs = short ? 10_000 : 25_000;
        const acks: AckRecord[] = [];
        const run = await startChaosLoad(
          cluster,
          // Six rooms spread their counters over the three masters: the others must carry on.
          { rooms: 6, membersPerRoom: short ? 4 : 6, sendersPerRoom: 2 },
          {
            onAck: (sent, sentAt) =>
              acks.push({
                roomId: sent.roomId,
                seq: sent.seq,
                sentAt,
                messageId: sent.messageId,
                ackAt: nowMs(),
                duplicate: sent.duplicate,
              }),
          },
        );
        const probe = await StoreProbe.open(context.services.mongoUrl, cluster.env.MONGO_DB!);
        try {
          const onTick = progressLogger(context, 'redis-cluster-failover');
          const load = run.drive({ rate, durationMs, rampUpMs: 500, ...(onTick ? { onTick } : {}) });
          await waitUntil(() => run.meter.total.accepted >= rate * (durationMs / 4000), durationMs);

          const keys = new RedisKeys(cluster.env.REDIS_PREFIX!);
          const busiest = busiestRoom(acks);
          const slot = keySlot(keys.roomCounters(busiest));
          const killedPort = (await redis.masterOf(slot)).port;
          const affected = new Set<string>();
          for (const { roomId } of run.rooms) {
            if ((await redis.masterOf(keySlot(keys.roomCounters(roomId)))).port === killedPort) affected.add(roomId);
          }
          const refused = startRefusalClock(() => refusedCount(run.meter.errors));
          const before = lastSeqByRoom(acks);
          const internalBefore = run.meter.errors.INTERNAL ?? 0;
          context.log(`redis-cluster-failover: kill -9 the master of slot ${slot} (room ${busiest}'s counters)`);
          const killedAt = nowMs();
          const { killed, promoted, promotedAfterMs } = await redis.killMasterOf(slot, RECOVERY_LIMIT_MS);
          context.log(`redis-cluster-failover: ${killed.port} killed, ${promoted.port} promoted after ${promotedAfterMs} ms`);
          const recovered = await waitUntil(
            async () =>
              // A send of a room on the killed master was acknowledged after the kill: allocation, store and ack work again.
              acks.some((a) => affected.has(a.roomId) && a.sentAt > killedAt) &&
              (await allReady(cluster.urls)) &&
              (!cluster.worker || cluster.worker.running),
            RECOVERY_LIMIT_MS,
            50,
          );
          const recoveredAt = nowMs();
          refused.stop();
          const firstRefused = refused.firstAt;
          const firstAcceptedAfter = acks.filter((a) => affected.has(a.roomId) && firstRefused !== undefined && a.ackAt > firstRefused);
          const windowMs =
            firstRefused === undefined ? 0 : Math.round(Math.min(...firstAcceptedAfter.map((a) => a.ackAt), recoveredAt) - firstRefused);
          // What a member of an affected room lived through: from the kill to its room's first accepted send.
          const killToAcceptMs = Math.round(
            Math.min(...acks.filter((a) => affected.has(a.roomId) && a.sentAt > killedAt).map((a) => a.ackAt), recoveredAt) - killedAt,
          );
          const { final, checks } = await finishAfterDataLoss(run, load, probe, {
            acks,
            before,
            liveCheck: 'live broadcast across pods recovered (sharded channels resubscribed)',
          });
          const alive = cluster.gateways.every((g) => g.proc.running) && (!cluster.worker || cluster.worker.running);
          const internal = (run.meter.errors.INTERNAL ?? 0) - internalBefore;
          return {
            checks: [
              check(
                'replica promoted, gateways and worker follow by themselves within 30 s',
                recovered && alive,
                recovered
                  ? `promoted after ${promotedAfterMs} ms; sends of the ${affected.size} rooms on the killed master acknowledged again and every /readyz 200 ${Math.round(recoveredAt - killedAt)} ms after the kill; no process restarted: ${alive}`
                  : `not recovered ${RECOVERY_LIMIT_MS / 1000} s after the kill`,
              ),
              check(
                'sends refused during the failover are UNAVAILABLE, not INTERNAL',
                internal === 0,
                `${internal} INTERNAL answers; refused: ${JSON.stringify(run.meter.errors)}`,
              ),
              ...checks,
            ],
            facts: {
              promotedAfterMs,
              unavailableWindowMs: windowMs,
              killToAcceptMs,
              refusedSends: refused.count,
              affectedRooms: affected.size,
              acked: run.ledger.ackedCount,
              errors: run.meter.errors,
              raw: final.raw,
              // What the gateways logged for an INTERNAL answer, the bug to look at.
              internalErrors: cluster.gateways.flatMap((g) =>
                g.proc
                  .outputTail()
                  .split('\n')
                  .filter((line) => line.includes('"event failed"'))
                  .slice(0, 3),
              ),
            },
          };
        } finally {
          await run.close();
          await probe.close();
        }
      });
    } finally {
      await redis.stop();
    }
  },
};

function busiestRoom(acks: readonly AckRecord[]): string {
  const counts = new Map<string, number>();
  for (const a of acks) counts.set(a.roomId, (counts.get(a.roomId) ?? 0) + 1);
  const [roomId] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!roomId) throw new Error('no send was acknowledged before the kill');
  return roomId;
}

/** Send answers that refused (UNAVAILABLE and the like; rate limits do not count). */
function refusedCount(errors: Record<string, number>): number {
  return Object.entries(errors).reduce((sum, [code, n]) => (code === 'RATE_LIMITED' ? sum : sum + n), 0);
}

/** Samples a counter every SAMPLE_MS and notes when it first rose: the first refused send. */
function startRefusalClock(read: () => number): { readonly firstAt: number | undefined; readonly count: number; stop(): void } {
  const start = read();
  let firstAt: number | undefined;
  let last = start;
  const timer = setInterval(() => {
    last = read();
    if (firstAt === undefined && last > start) firstAt = nowMs();
  }, SAMPLE_MS);
  return {
    get firstAt() {
      return firstAt;
    },
    get count() {
      return last - start;
    },
    stop: () => clearInterval(timer),
  };
}
