import { dropNamespace, uniqueNamespace } from '@campzone/testkit';
import { secretTokenSource } from '../auth/token-source';
import { LocalCluster } from '../cluster/local-cluster';
import { DEFAULT_TUNING } from '../load/client-tuning';
import { nowMs } from '../load/clock';
import type { IntervalSnapshot } from '../load/load-meter';
import { type FinalCheck, type LoadPlan, LoadRun } from '../load/load-run';
import { newRunId } from '../load/room-plan';
import { formatProgress } from '../report/load-report';
import { type ChaosContext, type Check, check } from './chaos-scenario';
import type { StoreProbe } from './store-probe';

export const CHAOS_JWT_SECRET = 'campzone-chaos-secret-0123456789';

/**
 * A fresh 3-gateway cluster (and the worker when `worker` says so) in its own namespace, handed
 * to `body`, then stopped and its database dropped: every scenario starts clean, and FerretDB,
 * which scans whole collections per query, is not slowed by earlier scenarios' messages.
 */
export async function withCluster<T>(
  context: ChaosContext,
  name: string,
  options: { worker?: boolean | 'if-built'; env?: Record<string, string> },
  body: (cluster: LocalCluster) => Promise<T>,
): Promise<T> {
  const namespace = uniqueNamespace(`chaos-${name}`);
  const cluster = await LocalCluster.start({
    gateways: 3,
    services: context.services,
    namespace,
    jwtSecret: CHAOS_JWT_SECRET,
    // The short variants leave the worker out unless they test it: it halves their FerretDB load.
    worker: options.worker ?? (context.scale === 'short' ? false : 'if-built'),
    ...(options.env ? { env: options.env } : {}),
    log: context.log,
  });
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
    await dropNamespace(namespace, { mongoUrl: context.services.mongoUrl }).catch(() => undefined);
  }
}

/** SDK members spread over every gateway of the cluster, in fresh rooms. */
export function startChaosLoad(
  cluster: LocalCluster,
  layout: { rooms: number; membersPerRoom: number; sendersPerRoom: number },
  extra: Partial<Pick<LoadPlan, 'onAck' | 'tuning'>> = {},
): Promise<LoadRun> {
  return LoadRun.start({
    urls: cluster.urls,
    runId: newRunId(),
    payloadBytes: 64,
    tokens: secretTokenSource(CHAOS_JWT_SECRET),
    tuning: extra.tuning ?? DEFAULT_TUNING,
    connectConcurrency: 20,
    connectTimeoutMs: 30_000,
    ...layout,
    ...(extra.onAck ? { onAck: extra.onAck } : {}),
  });
}

/** The standard verdict checks of a load run after its final sync. */
export function correctnessChecks(final: Pick<FinalCheck, 'correctness' | 'raw'>, acked: number) {
  const c = final.correctness;
  return [
    {
      name: '0 acknowledged messages lost',
      passed: c.lost === 0,
      detail: `${c.lost} of ${acked} acknowledged messages not shown to every member (${c.lostDeliveries} deliveries)`,
    },
    {
      name: '0 duplicates shown',
      passed: c.duplicated === 0,
      detail: `${c.duplicated} messageIds shown twice to a member (raw duplicates absorbed by the SDK: ${final.raw.rawDuplicates})`,
    },
    {
      name: "every member's order identical",
      passed: c.misordered === 0 && c.orderMismatchRooms === 0,
      detail: `${c.misordered} seq regressions, ${c.orderMismatchRooms} rooms whose members saw different sequences`,
    },
    { name: 'no seq reused', passed: c.seqConflicts === 0, detail: `${c.seqConflicts} seqs carried by two different messages` },
  ];
}

/** A phase's onTick that logs the live line when the run is verbose. */
export function progressLogger(context: ChaosContext, name: string): ((interval: IntervalSnapshot, run: LoadRun) => void) | undefined {
  if (!context.verbose) return undefined;
  const started = performance.now();
  return (interval, run) => context.log(`${name}: ${formatProgress((performance.now() - started) / 1000, interval, run)}`);
}

/** One acknowledged send, with when it was sent and answered (nowMs clock). */
export interface AckRecord {
  roomId: string;
  seq: number;
  sentAt: number;
  messageId: string;
  ackAt: number;
  duplicate: boolean;
}

/** The highest acknowledged seq of each room so far: what a rolled-back counter must not hand out again. */
export function lastSeqByRoom(acks: readonly AckRecord[]): Map<string, number> {
  const last = new Map<string, number>();
  for (const a of acks) last.set(a.roomId, Math.max(last.get(a.roomId) ?? 0, a.seq));
  return last;
}

/**
 * After Redis lost or rolled back the counters: no send made after `recoveredAt` got a seq at or
 * below its room's last one before the fault, and MongoDB holds no seq twice (a reused seq
 * would be refused by the unique index; a hole-less duplicate would show here).
 */
export async function counterChecks(
  probe: StoreProbe,
  roomIds: string[],
  acks: readonly AckRecord[],
  before: ReadonlyMap<string, number>,
  recoveredAt: number,
): Promise<Check[]> {
  const backwards = acks.filter((a) => a.sentAt > recoveredAt && a.seq <= (before.get(a.roomId) ?? 0)).length;
  const stored = await probe.orderingFaults(roomIds);
  return [
    check(
      'counters re-seeded: seq never goes back',
      backwards === 0,
      `${backwards} messages sent after recovery got a seq at or below their room's last seq before the fault`,
    ),
    check(
      'seq never reused, Lamport rises with seq (MongoDB)',
      stored.duplicateSeqs === 0 && stored.lamportRegressions === 0,
      `${stored.messages} stored messages: ${stored.duplicateSeqs} duplicate seqs, ${stored.lamportRegressions} Lamport regressions`,
    ),
  ];
}

/**
 * Ends a run whose Redis lost or rolled back data, called once it recovered: waits for the load
 * and the final sync, then checks the counters (counterChecks), that live cross-pod broadcast
 * came back (>= 90 % of the deliveries the sends after recovery call for) and the correctness
 * verdict. `liveCheck` names what had to come back (the adapter's subscriptions).
 */
export async function finishAfterDataLoss(
  run: LoadRun,
  load: Promise<unknown>,
  probe: StoreProbe,
  lost: { acks: readonly AckRecord[]; before: ReadonlyMap<string, number>; liveCheck: string },
): Promise<{ final: FinalCheck; checks: Check[] }> {
  const recoveredAt = nowMs();
  const rawAtRecovery = run.ledger.verdict().raw.rawDeliveries;
  const acceptedAtRecovery = run.meter.total.accepted;
  await load;
  const final = await run.finish(60_000);
  const rawAfter = final.raw.rawDeliveries - rawAtRecovery;
  const expectedLive = (run.meter.total.accepted - acceptedAtRecovery) * run.plan.membersPerRoom;
  const roomIds = run.rooms.map((r) => r.roomId);
  const counters = await counterChecks(probe, roomIds, lost.acks, lost.before, recoveredAt);
  return {
    final,
    checks: [
      ...counters,
      check(
        lost.liveCheck,
        expectedLive === 0 || rawAfter >= 0.9 * expectedLive,
        `${rawAfter} live deliveries after recovery for ${expectedLive} expected`,
      ),
      ...correctnessChecks(final, run.ledger.ackedCount),
    ],
  };
}
