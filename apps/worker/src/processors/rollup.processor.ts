import { type MessageStatus, roomChannel } from '@campzone/protocol';
import { JobName, payloadParser, QueueName, RollupJobSchema, type RollupQueue, rollupJobOptions } from '@campzone/queue';
import type { FloorStatus, MessageRepository, StatusFloorRepository, StatusFloors } from '@campzone/store';
import type { Job } from 'bullmq';
import type { ClusterEmitter } from '../delivery/cluster-emitter';
import type { MemberCursorReader, RoomCursors } from '../delivery/member-cursors';
import type { WorkerMetrics } from '../observability/metrics';
import { planStatus, type StatusPlan } from '../rollup/status-plan';
import type { JobRun } from './job-run';

const parser = payloadParser(RollupJobSchema, `${QueueName.rollup}/${JobName.rollup}`);

/** Own messages of the lagging member raised per run; more are left to a follow-up rollup. */
const LAGGARD_LIMIT = 500;

export interface RollupDeps {
  cursors: MemberCursorReader;
  messages: Pick<MessageRepository, 'fromSenderBelow' | 'raiseStatusOf'>;
  floors: Pick<StatusFloorRepository, 'get' | 'raise'>;
  emitter: ClusterEmitter;
  rollup: Pick<RollupQueue, 'add'>;
  rollupDelayMs: number;
  metrics: WorkerMetrics;
}

/**
 * Recomputes a room's message statuses from its members' cursors: READ up to where everyone
 * has read, DELIVERED up to where everyone holds the messages. Each is the room's status floor
 * (one document, whatever the number of messages; readers derive a message's status from it),
 * announced as `message_status {roomId, uptoSeq, status}` when it rises; both floors rise in
 * one write. Floors and statuses only rise, and a second run finds nothing more to change or
 * announce. `floors` may be a KnownFloors, which reads a room's floors once per process.
 */
export function rollupProcessor(deps: RollupDeps) {
  return async (job: Job, run: JobRun) => {
    const { roomId } = parser.parse(job.data);
    const [rooms, floors] = await Promise.all([deps.cursors.forRooms([roomId]), deps.floors.get(roomId)]);
    const members = rooms.get(roomId) ?? new Map();
    if (members.size === 0) return { roomId, members: 0 };
    // READ first: a client shown READ up to n needs no DELIVERED up to n afterwards.
    const plans = (['READ', 'DELIVERED'] as const).map((status) => ({ status, plan: planOf(members, status), floor: floors[status] }));
    const rises: Partial<StatusFloors> = {};
    for (const { status, plan, floor } of plans) if (plan && plan.uptoSeq > floor) rises[status] = plan.uptoSeq;
    // The floors first, then their announcements, before anything else can fail: a client told
    // READ up to n that reloads reads READ up to n. A crash in between skips these
    // announcements; the room's next rise announces a higher floor, which covers them.
    if (Object.keys(rises).length > 0) await deps.floors.raise(roomId, rises);
    for (const { status, floor } of plans) {
      const uptoSeq = rises[status];
      if (uptoSeq === undefined) continue;
      await deps.emitter.emit((e) => e.to(roomChannel(roomId)).emit('message_status', { roomId, uptoSeq, status }));
      deps.metrics.statusChanges.inc({ status }, uptoSeq - floor);
    }
    const result: Record<string, number> = {};
    for (const { status, plan, floor } of plans) {
      const own = plan ? await ownMessages(deps, run, roomId, status, plan, floor) : 0;
      result[status] = (rises[status] ?? floor) - floor + own;
    }
    return { roomId, members: members.size, ...result };
  };
}

function planOf(members: RoomCursors, status: FloorStatus): StatusPlan | null {
  return planStatus([...members].map(([userId, c]) => ({ userId, seq: status === 'READ' ? c.read : c.delivered })));
}

/** The lowest member's own messages above the floor, once the floor stands still. */
async function ownMessages(deps: RollupDeps, run: JobRun, roomId: string, status: FloorStatus, plan: StatusPlan, floor: number) {
  const laggard = plan.laggard;
  if (!laggard || laggard.uptoSeq <= plan.uptoSeq) return 0;
  if (plan.uptoSeq > floor) {
    // The room-wide floor is still rising and will most likely pass the lowest member's own
    // messages by itself; looking for them costs a scan of the messages on a store without
    // secondary indexes (FerretDB), every rollup of every busy room. A follow-up rollup looks
    // once the floor stands still.
    await followUp(deps, roomId);
    return 0;
  }
  const changed = await raiseOwnMessages(deps, run, roomId, laggard, status, floor);
  deps.metrics.statusChanges.inc({ status }, changed);
  return changed;
}

/** The lowest member's own messages above the room-wide floor: everyone else passed them. */
async function raiseOwnMessages(
  deps: RollupDeps,
  run: JobRun,
  roomId: string,
  laggard: { userId: string; uptoSeq: number },
  status: FloorStatus,
  floor: number,
): Promise<number> {
  const own = await deps.messages.fromSenderBelow(
    roomId,
    laggard.userId,
    { afterSeq: floor, uptoSeq: laggard.uptoSeq },
    status,
    LAGGARD_LIMIT,
  );
  if (own.length === 0) return 0;
  const messageIds = own.map((m) => m.messageId);
  // The write first, then the announcement, as for the floors: a client told DELIVERED that
  // reloads reads DELIVERED. A crash in between skips this announcement (a re-run finds them
  // raised); the room's floor announces them when it passes them.
  const changed = await deps.messages.raiseStatusOf(roomId, messageIds, status as MessageStatus);
  if (changed > 0) await deps.emitter.emit((e) => e.to(roomChannel(roomId)).emit('message_status', { roomId, messageIds, status }));
  if (own.length === LAGGARD_LIMIT) {
    run.logger.info({ roomId, status }, 'more own messages of the lagging member: follow-up rollup');
    await followUp(deps, roomId);
  }
  return changed;
}

/** Another rollup of the room later (deduplicated per room, and kept if one is running). */
function followUp(deps: RollupDeps, roomId: string): Promise<unknown> {
  return deps.rollup.add(JobName.rollup, { roomId }, rollupJobOptions(roomId, deps.rollupDelayMs));
}
