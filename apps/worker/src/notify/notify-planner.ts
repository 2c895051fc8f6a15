import { ROOM_MENTION } from '@campzone/protocol';
import { JobName, type NotifyQueue, notifyJobOptions, type TrackedMessage } from '@campzone/queue';
import type { MessageRepository, ParticipantRepository, PushSubscriptionRepository, RoomRepository } from '@campzone/store';

export interface NotifyPlannerDeps {
  rooms: Pick<RoomRepository, 'findMany'>;
  participants: Pick<ParticipantRepository, 'memberIds' | 'withNotificationLevel'>;
  messages: Pick<MessageRepository, 'findManyByIds'>;
  subscriptions: Pick<PushSubscriptionRepository, 'subscribedAmong'>;
  notify: Pick<NotifyQueue, 'addBulk'>;
  /** NOTIFY_DELAY_MS. */
  delayMs: number;
}

/**
 * From a batch of just-stored messages, the (room, member) pairs that may be due a push: in a
 * one-to-one room every member, elsewhere the mentioned (everyone for `@room`) and those who
 * chose level `all`; only users with a push subscription, never a member for their own
 * messages alone. Each pair gets one delayed job (deduplicated: later messages fold into it).
 * Whether it is pushed (offline, unread, level, blocks) is decided when the delay is over.
 */
export class NotifyPlanner {
  constructor(private readonly deps: NotifyPlannerDeps) {}

  async plan(messages: TrackedMessage[]): Promise<number> {
    const byRoom = new Map<string, TrackedMessage[]>();
    for (const m of messages) {
      const of = byRoom.get(m.roomId);
      if (of) of.push(m);
      else byRoom.set(m.roomId, [m]);
    }
    const rooms = new Map((await this.deps.rooms.findMany([...byRoom.keys()])).map((r) => [r.roomId, r]));
    const pairs: Array<{ roomId: string; userId: string }> = [];
    for (const [roomId, inRoom] of byRoom) {
      const room = rooms.get(roomId);
      if (!room) continue;
      const candidates = await this.candidates(roomId, room.roomType === 'one-to-one', inRoom);
      const senders = new Set(inRoom.map((m) => m.senderId));
      for (const userId of candidates) {
        // A member is never told of their own messages.
        if (senders.size === 1 && senders.has(userId)) continue;
        pairs.push({ roomId, userId });
      }
    }
    if (pairs.length === 0) return 0;
    const subscribed = await this.deps.subscriptions.subscribedAmong([...new Set(pairs.map((p) => p.userId))]);
    const due = pairs.filter((p) => subscribed.has(p.userId));
    if (due.length === 0) return 0;
    await this.deps.notify.addBulk(
      due.map(({ roomId, userId }) => ({
        name: JobName.notify,
        data: { roomId, userId },
        opts: notifyJobOptions(roomId, userId, this.deps.delayMs),
      })),
    );
    return due.length;
  }

  private async candidates(roomId: string, oneToOne: boolean, inRoom: TrackedMessage[]): Promise<Set<string>> {
    if (oneToOne) return new Set(await this.deps.participants.memberIds(roomId));
    const [stored, wantAll] = await Promise.all([
      this.deps.messages.findManyByIds(
        roomId,
        inRoom.map((m) => m.messageId),
      ),
      this.deps.participants.withNotificationLevel(roomId, 'all'),
    ]);
    const mentioned = new Set(stored.flatMap((m) => m.mentions ?? []));
    if (mentioned.has(ROOM_MENTION)) return new Set(await this.deps.participants.memberIds(roomId));
    return new Set([...mentioned, ...wantAll]);
  }
}
