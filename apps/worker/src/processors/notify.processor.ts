import { defaultNotificationLevel, type PushPayload, ROOM_MENTION } from '@campzone/protocol';
import { JobName, NotifyJobSchema, payloadParser, QueueName } from '@campzone/queue';
import type { Presence } from '@campzone/realtime';
import type {
  BlockRepository,
  MessageRepository,
  ParticipantRepository,
  PushSubscriptionRepository,
  RoomRepository,
} from '@campzone/store';
import type { Job } from 'bullmq';
import type { PushSender } from '../notify/push-sender';
import type { WorkerMetrics } from '../observability/metrics';
import type { JobRun } from './job-run';

const parser = payloadParser(NotifyJobSchema, `${QueueName.notify}/${JobName.notify}`);
/** The most messages one notification counts ("99+" is what a person reads anyway). */
const MAX_FOLDED = 100;
/** Characters of the latest message a notification shows. */
const PREVIEW_CHARS = 200;

export interface NotifyDeps {
  participants: Pick<ParticipantRepository, 'notificationStateOf' | 'raiseNotified'>;
  rooms: Pick<RoomRepository, 'findById'>;
  messages: Pick<MessageRepository, 'pushable'>;
  blocks: Pick<BlockRepository, 'blockedBy'>;
  subscriptions: Pick<PushSubscriptionRepository, 'of' | 'removeEndpoint'>;
  presence: Pick<Presence, 'socketCount'>;
  sender: Pick<PushSender, 'send'>;
  /** False when encryption at rest is on: then content never leaves the cluster in a push. */
  includeContent: boolean;
  metrics: Pick<WorkerMetrics, 'pushes' | 'notifySkipped'>;
}

/**
 * `notify` for (room, member), once its delay is over: folds what the member has neither read
 * nor been pushed (after max(lastReadSeq, notifiedSeq)), at their level, without blocked
 * senders, into one push to each of their subscriptions, unless they are online on any pod.
 * notifiedSeq is raised after the sends, so a crash in between repeats a push rather than
 * losing one; the room's Topic header and the service worker's tag make a repeat replace
 * the first.
 */
export function notifyProcessor(deps: NotifyDeps) {
  const skipped = (reason: string, extra: object = {}) => {
    deps.metrics.notifySkipped.inc({ reason });
    return { skipped: reason, ...extra };
  };
  return async (job: Job, run: JobRun) => {
    const { roomId, userId } = parser.parse(job.data);
    const [state, room] = await Promise.all([deps.participants.notificationStateOf(roomId, userId), deps.rooms.findById(roomId)]);
    if (!state || !room) return skipped('not_member');
    const level = state.level ?? defaultNotificationLevel(room.roomType);
    if (level === 'none') return skipped('level_none');
    const blocked = await deps.blocks.blockedBy(userId);
    const due = await deps.messages.pushable(roomId, userId, Math.max(state.lastReadSeq, state.notifiedSeq), {
      mentionsOnly: level === 'mentions',
      excludeSenders: blocked,
      limit: MAX_FOLDED,
    });
    const latest = due[0];
    if (!latest) return skipped('nothing_new');
    // Online: their client shows these; they are settled, and never folded into a later push.
    if ((await deps.presence.socketCount(userId)) > 0) {
      await deps.participants.raiseNotified(roomId, userId, latest.seq);
      return skipped('online', { upto: latest.seq });
    }
    const subscriptions = await deps.subscriptions.of(userId);
    if (subscriptions.length === 0) {
      await deps.participants.raiseNotified(roomId, userId, latest.seq);
      return skipped('no_subscription');
    }
    const payload: PushPayload = {
      type: 'messages',
      roomId,
      roomName: room.roomName,
      count: due.length,
      senderId: latest.senderId,
      latestSeq: latest.seq,
      mentioned: due.some((m) => m.mentions?.includes(userId) || m.mentions?.includes(ROOM_MENTION)),
    };
    // keyVersion marks sealed content: never pushed, whatever the setting says now.
    if (deps.includeContent && latest.keyVersion === undefined) payload.content = latest.content.slice(0, PREVIEW_CHARS);
    await run.handBackIfStopping();

    const body = JSON.stringify(payload);
    const results = await Promise.all(subscriptions.map((s) => deps.sender.send(s, body, roomId)));
    let retry = 0;
    for (const [i, result] of results.entries()) {
      deps.metrics.pushes.inc({ outcome: result.outcome });
      const endpoint = subscriptions[i]?.endpoint ?? '';
      if (result.outcome === 'gone') {
        await deps.subscriptions.removeEndpoint(endpoint);
        run.logger.info({ userId, roomId, status: result.status }, 'push subscription expired; removed');
      } else if (result.outcome === 'retry') {
        retry++;
        run.logger.warn({ userId, roomId, status: result.status, err: result.error }, 'push service unavailable');
      } else if (result.outcome === 'rejected') {
        run.logger.warn({ userId, roomId, status: result.status }, 'push service refused the push');
      }
    }
    // Only when no subscription took it: retrying would repeat it to those that did.
    if (retry > 0 && retry === results.length) throw new Error(`no push service took the push for ${userId} in ${roomId}; retrying`);
    await deps.participants.raiseNotified(roomId, userId, latest.seq);
    return { roomId, userId, count: payload.count, sent: results.filter((r) => r.outcome === 'sent').length };
  };
}
