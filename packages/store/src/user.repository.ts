import type { Collection } from 'mongodb';
import type { UserDoc } from './documents';

export class UserRepository {
  constructor(private readonly users: Collection<UserDoc>) {}

  /** Creates the user on first sight (users come from tokens) and records presence. */
  async markSeen(userId: string, isOnline: boolean, username?: string, now = new Date()): Promise<void> {
    await this.users.updateOne(
      { userId },
      {
        $set: { isOnline, lastSeen: now, ...(username ? { username } : {}) },
        $setOnInsert: { createdAt: now, ...(username ? {} : { username: userId }) },
      },
      { upsert: true },
    );
  }

  /** Marks users offline in one round trip (a pod's lease lapsed). */
  async markOffline(userIds: string[], now = new Date()): Promise<void> {
    if (userIds.length === 0) return;
    await this.users.updateMany({ userId: { $in: userIds } }, { $set: { isOnline: false, lastSeen: now } });
  }

  findById(userId: string): Promise<UserDoc | null> {
    return this.users.findOne({ userId }, { projection: { _id: 0 } });
  }
}
