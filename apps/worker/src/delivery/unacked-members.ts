import type { TrackedMessage } from '@campzone/queue';
import type { MemberCursorReader, RoomCursors } from './member-cursors';

/** Who is online: the realtime package's cluster presence (Presence.onlineUsers). */
export interface OnlineUsers {
  onlineUsers(userIds: string[]): Promise<Set<string>>;
}

export interface Missing {
  message: TrackedMessage;
  /** Online members without an ack: the ones a re-send is for, and a failure is about. */
  online: string[];
}

/**
 * Members of the message's room who have not acked it (delivered cursor below its seq). The
 * sender is never among them: they hold what they sent (their send was acknowledged).
 */
export function unackedMembers(message: TrackedMessage, room: RoomCursors | undefined): string[] {
  if (!room) return [];
  const missing: string[] = [];
  for (const [userId, cursor] of room) {
    if (userId !== message.senderId && cursor.delivered < message.seq) missing.push(userId);
  }
  return missing;
}

/** The messages that some online member has not acked, by messageId (offline members are not waited for). */
export async function missingOnline(
  deps: { cursors: Pick<MemberCursorReader, 'forRooms'>; presence: OnlineUsers },
  messages: TrackedMessage[],
): Promise<Map<string, Missing>> {
  const rooms = await deps.cursors.forRooms(messages.map((m) => m.roomId));
  const unacked = new Map(messages.map((m) => [m.messageId, unackedMembers(m, rooms.get(m.roomId))] as const));
  const everyone = [...new Set([...unacked.values()].flat())];
  const online = await deps.presence.onlineUsers(everyone);
  const missing = new Map<string, Missing>();
  for (const message of messages) {
    const who = (unacked.get(message.messageId) ?? []).filter((u) => online.has(u));
    if (who.length > 0) missing.set(message.messageId, { message, online: who });
  }
  return missing;
}

/** The queue log's errorMessage for a message online members never acked. */
export function failureReason(maxRetries: number, userIds: readonly string[], shown = 20): string {
  const names = userIds.slice(0, shown).join(', ');
  const more = userIds.length > shown ? ` and ${userIds.length - shown} more` : '';
  return `not acknowledged after ${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'} by online member(s): ${names}${more}`;
}
