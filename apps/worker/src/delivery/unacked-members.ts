import type { TrackedMessage } from '@campzone/queue';
import type { RoomCursors } from './member-cursors';

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

/** The queue log's errorMessage for a message online members never acked. */
export function failureReason(maxRetries: number, userIds: readonly string[], shown = 20): string {
  const names = userIds.slice(0, shown).join(', ');
  const more = userIds.length > shown ? ` and ${userIds.length - shown} more` : '';
  return `not acknowledged after ${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'} by online member(s): ${names}${more}`;
}
