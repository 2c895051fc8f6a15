import { ObjectId } from 'mongodb';
import type { MessageDoc } from './documents';

/**
 * A stored placeholder for a seq that was allocated and then given up: a send refused after
 * its allocation (its key already names a message elsewhere), or a retry that took a fresh
 * seq because its first allocation was never stored. Without it the seq stays a gap that every
 * member waits out before skipping; with it, readers skip it at once. It takes the seq's slot
 * in the unique {roomId, seq} index, so a first attempt that lands after all is refused there
 * and finds the copy stored under the fresh seq instead.
 *
 * Its idempotency key starts with `~`, which client keys cannot hold, so it never meets one;
 * status READ keeps it out of every rollup's "below" queries.
 */
export function seqHole(roomId: string, senderId: string, seq: number, lamport: number): MessageDoc {
  return {
    _id: new ObjectId(),
    roomId,
    senderId,
    content: '',
    lamportTimestamp: lamport,
    seq,
    idempotencyKey: `~hole:${roomId}:${seq}`,
    status: 'READ',
    messageType: 'system',
    createdAt: new Date(),
    hole: true,
  };
}
