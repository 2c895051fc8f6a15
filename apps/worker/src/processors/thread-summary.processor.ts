import { roomChannel } from '@campzone/protocol';
import { JobName, payloadParser, QueueName, ThreadSummaryJobSchema } from '@campzone/queue';
import type { MessageCounters, MessageLocks } from '@campzone/realtime';
import type { MessageChangeRepository, MessageRepository, ThreadSummaryDoc } from '@campzone/store';
import type { Job } from 'bullmq';
import type { ClusterEmitter } from '../delivery/cluster-emitter';

const parser = payloadParser(ThreadSummaryJobSchema, `${QueueName.rollup}/${JobName.threadSummary}`);
/** Concurrent changes to the root (a reaction, an edit) make the write retry this often. */
const MAX_ATTEMPTS = 5;

export interface ThreadSummaryDeps {
  messages: Pick<MessageRepository, 'threadStats' | 'latestCounters'>;
  changes: Pick<MessageChangeRepository, 'find' | 'apply'>;
  counters: Pick<MessageCounters, 'withRev'>;
  /** The gateways' changes to the root (reactions, edits) take the same lock. */
  locks: Pick<MessageLocks, 'withLock'>;
  emitter: ClusterEmitter;
}

/**
 * Recomputes a thread root's summary from its replies (count, last reply, up to 5 recent
 * repliers) and, when it changed, stores it under the room's next rev and announces
 * `thread_updated` to the room after the write. Coalesced per root by the producer; a run that
 * finds the summary current changes and announces nothing, so re-runs are harmless.
 */
export function threadSummaryProcessor(deps: ThreadSummaryDeps) {
  return async (job: Job) => {
    const { roomId, rootId } = parser.parse(job.data);
    return deps.locks.withLock(roomId, rootId, () => summarize(deps, roomId, rootId));
  };
}

async function summarize(deps: ThreadSummaryDeps, roomId: string, rootId: string) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const root = await deps.changes.find(roomId, rootId);
    if (!root) return { roomId, rootId, skipped: 'no such root' };
    const stats = await deps.messages.threadStats(roomId, root._id);
    const summary: ThreadSummaryDoc = stats ?? { replyCount: 0, lastReplyAt: root.createdAt, repliers: [] };
    if (sameSummary(root.thread, summary)) return { roomId, rootId, replyCount: summary.replyCount, changed: false };
    const rev = await deps.counters.withRev(
      roomId,
      () => deps.messages.latestCounters(roomId),
      async (next) => ((await deps.changes.apply(roomId, root._id, root.rev, { thread: summary, rev: next })) ? next : undefined),
    );
    if (rev === undefined) continue; // the root changed meanwhile: read it again
    await deps.emitter.emit((e) =>
      e.to(roomChannel(roomId)).emit('thread_updated', {
        roomId,
        rootId,
        replyCount: summary.replyCount,
        lastReplyAt: summary.lastReplyAt.toISOString(),
        repliers: summary.repliers,
        rev,
      }),
    );
    return { roomId, rootId, replyCount: summary.replyCount, changed: true };
  }
  throw new Error(`thread ${rootId} in room ${roomId} kept changing; retrying the job`);
}

function sameSummary(current: ThreadSummaryDoc | undefined, next: ThreadSummaryDoc): boolean {
  if (!current) return next.replyCount === 0;
  return (
    current.replyCount === next.replyCount &&
    current.lastReplyAt.getTime() === next.lastReplyAt.getTime() &&
    current.repliers.join(' ') === next.repliers.join(' ')
  );
}
