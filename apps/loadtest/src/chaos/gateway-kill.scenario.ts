import { waitUntil } from '../load/concurrency';
import { correctnessChecks, progressLogger, startChaosLoad, withCluster } from './chaos-cluster';
import { type ChaosScenario, check } from './chaos-scenario';

/**
 * kill -9 of one gateway while every member streams: its clients reconnect to the other two,
 * resend what was not acknowledged (same idempotency keys) and sync what they missed.
 */
export const gatewayKillScenario: ChaosScenario = {
  name: 'gateway-kill',
  title: 'kill -9 one of 3 gateways mid-load',
  run: (context) =>
    withCluster(context, 'gw-kill', {}, async (cluster) => {
      const short = context.scale === 'short';
      // Well below the cluster's maximum on FerretDB (see docs/benchmarks.md): the scenario tests the fault, not an overload.
      const rate = short ? 30 : 20;
      const durationMs = short ? 6000 : 20_000;
      const run = await startChaosLoad(cluster, { rooms: short ? 3 : 4, membersPerRoom: short ? 6 : 8, sendersPerRoom: 2 });
      try {
        const onVictim = run.members.filter((m) => m.plan.urlIndex === 0).length;
        const onTick = progressLogger(context, 'gateway-kill');
        const load = run.drive({ rate, durationMs, rampUpMs: 500, ...(onTick ? { onTick } : {}) });
        // Kill once a third of the sends went through (not after a fixed sleep).
        const killAfter = Math.floor((rate * durationMs) / 3000);
        await waitUntil(() => run.meter.total.accepted >= killAfter, durationMs);
        const victim = cluster.gateway(0);
        context.log(`gateway-kill: kill -9 ${victim.name} (${victim.url}) with ${onVictim} members on it`);
        const ackedAtKill = run.meter.total.accepted;
        await cluster.killGateway(0, 'SIGKILL');
        await load;
        const reconnected = await waitUntil(() => run.connectedCount === run.members.length, 15_000);
        const final = await run.finish(60_000);
        const ackedAfterKill = run.meter.total.accepted - ackedAtKill;
        return {
          checks: [
            check(
              'clients of the killed gateway reconnect to the others',
              reconnected && final.disconnected === 0 && run.failovers >= onVictim,
              `${run.members.length - final.disconnected}/${run.members.length} members connected at the end; ${run.failovers} reconnections to another URL (${onVictim} members were on the killed pod)`,
            ),
            check(
              'sends kept being acknowledged after the kill',
              ackedAfterKill > 0,
              `${ackedAfterKill} sends acknowledged after the kill`,
            ),
            check(
              'every send acknowledged in the end',
              final.unacknowledged === 0,
              `${final.unacknowledged} sends still unacknowledged at the end`,
            ),
            ...correctnessChecks(final, run.ledger.ackedCount),
          ],
          facts: { acked: run.ledger.ackedCount, ackedAfterKill, failovers: run.failovers, errors: run.meter.errors, raw: final.raw },
        };
      } finally {
        await run.close();
      }
    }),
};
