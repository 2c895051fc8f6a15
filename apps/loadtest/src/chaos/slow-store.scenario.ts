import { startTcpProxy } from '@campzone/testkit';
import { rssBytes } from '../cluster/process-stats';
import { nowMs } from '../load/clock';
import { sleep, waitUntil } from '../load/concurrency';
import { correctnessChecks, progressLogger, startChaosLoad, withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';
import { connectRaw, createRoomAs } from './raw-member';
import { allReady, StoreProbe } from './store-probe';

const RECOVERY_LIMIT_MS = 30_000;
/** A gateway may grow this much while the store is cut off: what the writer's bound allows, and then some. */
const RSS_GROWTH_LIMIT = 150 * 1024 * 1024;

interface ProbeAnswer {
  sentAt: number;
  answeredAt: number;
  ok: boolean;
  code?: string;
}

/**
 * A MongoDB-wire server that answers slowly (200 ms, then 2 s on every packet), then not at all
 * (a partition: a TCP proxy holds the traffic without closing anything), then heals. Every send
 * is answered within SEND_TIMEOUT_MS (stored and acked, or UNAVAILABLE), nothing is acked that
 * is not stored, a gateway's memory stays bounded while the store is gone, and all recovers.
 */
export const slowStoreScenario: ChaosScenario = {
  name: 'slow-store',
  title: 'a store 200 ms, then 2 s slow, then partitioned, then healed, under load',
  run: async (context) => {
    const short = context.scale === 'short';
    const sendTimeoutMs = short ? 1500 : 3000;
    const target = new URL(context.services.mongoUrl);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    const proxied = { ...context, services: { ...context.services, mongoUrl: proxy.mongoUrl } };
    try {
      return await withCluster(
        proxied,
        'slow-store',
        { env: { SEND_TIMEOUT_MS: String(sendTimeoutMs), WRITE_QUEUE_MAX: '2000' } },
        async (cluster) => {
          const rate = short ? 10 : 15;
          const phaseMs = short ? 2500 : 4000;
          const holdMs = short ? 4000 : 6000;
          const acks: Array<{ messageId: string; sentAt: number; ackAt: number }> = [];
          const run = await startChaosLoad(
            cluster,
            { rooms: short ? 2 : 3, membersPerRoom: 4, sendersPerRoom: 2 },
            { onAck: (sent, sentAt) => acks.push({ messageId: sent.messageId, sentAt, ackAt: nowMs() }) },
          );
          // A bare socket sends a message every 200 ms and times every answer, whatever it is.
          const probeRoom = `slow-probe-${Date.now().toString(36)}`;
          await createRoomAs(cluster.urls[0]!, 'slow-prober', probeRoom, []);
          const prober = await connectRaw(cluster.urls[1]!, 'slow-prober');
          const answers: ProbeAnswer[] = [];
          let probing = true;
          let probeSeq = 0;
          const probes: Array<Promise<void>> = [];
          const probeLoop = (async () => {
            while (probing) {
              const sentAt = nowMs();
              const args = {
                roomId: probeRoom,
                content: `probe ${probeSeq}`,
                lamportTimestamp: 0,
                idempotencyKey: `slow-probe-${probeSeq++}`,
              };
              probes.push(
                prober
                  .timeout(60_000)
                  .emitWithAck('send_message', args)
                  .then(
                    (ack) => void answers.push({ sentAt, answeredAt: nowMs(), ok: ack.ok, ...(ack.ok ? {} : { code: ack.error.code }) }),
                    () => undefined, // unanswered within a minute: counted below as missing
                  ),
              );
              await sleep(200);
            }
          })();
          try {
            const onTick = progressLogger(context, 'slow-store');
            const load = run.drive({ rate, durationMs: phaseMs * 3 + holdMs + 8000, rampUpMs: 500, ...(onTick ? { onTick } : {}) });
            await sleep(phaseMs);
            context.log('slow-store: store 200 ms slow');
            proxy.delay(200);
            await sleep(phaseMs);
            context.log('slow-store: store 2 s slow');
            proxy.delay(2000);
            await sleep(phaseMs);
            const rssBefore = gatewayRss(cluster.pids());
            context.log('slow-store: store partitioned (held, not closed)');
            proxy.hold();
            const cutAt = nowMs();
            await sleep(holdMs);
            const rssDuring = gatewayRss(cluster.pids());
            const healAt = nowMs();
            context.log('slow-store: healed');
            proxy.delay(0);
            proxy.release();
            const recovered = await waitUntil(
              async () => acks.some((a) => a.sentAt > healAt) && (await allReady(cluster.urls)),
              RECOVERY_LIMIT_MS,
              100,
            );
            const recoverySeconds = Math.round((nowMs() - healAt) / 100) / 10;
            await load;
            probing = false;
            await probeLoop;
            await Promise.all(probes);
            const final = await run.finish(60_000);

            const slowest = Math.round(Math.max(...answers.map((a) => a.answeredAt - a.sentAt)));
            const early = acks.filter((a) => a.sentAt > cutAt && a.ackAt < healAt).length;
            const probe = await StoreProbe.open(context.services.mongoUrl, cluster.env.MONGO_DB!);
            const ids = [...new Set(acks.map((a) => a.messageId))];
            const stored = await probe.countStored(ids).finally(() => probe.close());
            const growth = Object.entries(rssDuring).map(([name, bytes]) => [name, bytes - (rssBefore[name] ?? bytes)] as const);
            const unavailable = answers.filter((a) => a.code === 'UNAVAILABLE').length;
            return {
              checks: [
                check(
                  'every send answered within SEND_TIMEOUT_MS',
                  answers.length === probeSeq && slowest <= sendTimeoutMs + 1500,
                  `${answers.length} of ${probeSeq} probe sends answered; slowest ${slowest} ms (limit ${sendTimeoutMs} + 1500); ${unavailable} UNAVAILABLE`,
                ),
                check(
                  'nothing acknowledged while the store was cut off',
                  early === 0,
                  `${early} sends made during the partition were acknowledged before it healed`,
                ),
                check(
                  'every acknowledged message is stored',
                  stored === ids.length,
                  `${stored} of ${ids.length} acknowledged messages found in MongoDB`,
                ),
                check(
                  "gateways' memory bounded while the store is gone",
                  growth.every(([, bytes]) => bytes < RSS_GROWTH_LIMIT),
                  growth.map(([name, bytes]) => `${name} ${(bytes / 1048576).toFixed(1)} MiB`).join(', '),
                ),
                check(
                  'all recover once it heals',
                  recovered && final.unacknowledged === 0,
                  recovered
                    ? `sends acknowledged again ${recoverySeconds} s after healing; ${final.unacknowledged} unacknowledged at the end`
                    : 'no recovery within 30 s',
                ),
                ...correctnessChecks(final, run.ledger.ackedCount),
              ],
              facts: {
                slowestAnswerMs: slowest,
                probeSends: probeSeq,
                unavailable,
                recoverySeconds,
                acked: run.ledger.ackedCount,
                errors: run.meter.errors,
              },
            };
          } finally {
            probing = false;
            prober.close();
            await run.close();
          }
        },
      );
    } finally {
      await proxy.cut();
    }
  },
};

function gatewayRss(pids: Record<string, number>): Record<string, number> {
  const rss: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    if (!name.startsWith('gateway')) continue;
    const bytes = rssBytes(pid);
    if (bytes !== undefined) rss[name] = bytes;
  }
  return rss;
}
