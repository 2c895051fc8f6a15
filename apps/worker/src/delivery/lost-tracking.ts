import type { TrackedMessage } from '@campzone/queue';
import type { MessageRepository, QueueLogRepository, StatusFloorRepository } from '@campzone/store';
import type { MemberCursorReader } from './member-cursors';
import { missingOnline, type OnlineUsers } from './unacked-members';

export interface LostTrackingDeps {
  messages: Pick<MessageRepository, 'createdBetween'>;
  floors: Pick<StatusFloorRepository, 'getMany'>;
  queueLog: Pick<QueueLogRepository, 'findInRoom'>;
  cursors: Pick<MemberCursorReader, 'forRooms'>;
  presence: OnlineUsers;
}

export interface LostTrackingScan {
  /** Messages whose tracking was lost and some online member still lacks. */
  lost: TrackedMessage[];
  /** Where the next scan starts: `until`, or the last message seen when `limit` cut the scan short. */
  scannedUntil: Date;
}

/**
 * Finds messages created in [from, until) whose delivery tracking was lost (Redis lost the
 * job, or a worker failed it for good). A message whose checks ran either passed every online
 * member at its first check or has a queue-log entry (it was re-sent); `until` lies past the
 * whole retry schedule, so every tracked message is one or the other by then. What is left,
 * above the room's DELIVERED floor, without an entry and still missing at some online member,
 * lost its job. A message acked by everyone online is left alone whatever happened to its job:
 * offline members get it from `sync`.
 */
export async function findLostTracking(deps: LostTrackingDeps, from: Date, until: Date, limit: number): Promise<LostTrackingScan> {
  const recent = await deps.messages.createdBetween(from, until, limit);
  const scannedUntil = recent.length === limit ? (recent.at(-1)?.createdAt ?? until) : until;
  const byRoom = new Map<string, TrackedMessage[]>();
  for (const { messageId, roomId, seq, senderId } of recent) {
    byRoom.set(roomId, [...(byRoom.get(roomId) ?? []), { messageId, roomId, seq, senderId }]);
  }
  const floors = await deps.floors.getMany([...byRoom.keys()]);
  const untracked: TrackedMessage[] = [];
  for (const [roomId, messages] of byRoom) {
    const above = messages.filter((m) => m.seq > (floors.get(roomId)?.DELIVERED ?? 0));
    if (above.length === 0) continue;
    const entries = await deps.queueLog.findInRoom(
      roomId,
      above.map((m) => m.messageId),
    );
    const logged = new Set(entries.map((e) => e.messageId.toHexString()));
    untracked.push(...above.filter((m) => !logged.has(m.messageId)));
  }
  if (untracked.length === 0) return { lost: [], scannedUntil };
  const missing = await missingOnline(deps, untracked);
  return { lost: untracked.filter((m) => missing.has(m.messageId)), scannedUntil };
}
