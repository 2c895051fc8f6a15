import type { Collection } from 'mongodb';
import { bulkWriteInChunks } from './bulk-write';
import type { UserDoc } from './documents';

export interface SeenUpdate {
  userId: string;
  isOnline: boolean;
  at: Date;
  username?: string;
}

export class UserRepository {
  constructor(private readonly users: Collection<UserDoc>) {}

  /** Creates users on first sight (users come from tokens) and records presence, in one bulk write. */
  async markSeen(updates: SeenUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await bulkWriteInChunks(
      this.users,
      updates.map(({ userId, isOnline, at, username }) => ({
        updateOne: {
          filter: { userId },
          update: {
            $set: { isOnline, lastSeen: at, ...(username ? { username } : {}) },
            $setOnInsert: { createdAt: at, ...(username ? {} : { username: userId }) },
          },
          upsert: true,
        },
      })),
    );
  }

  /** Display names of the users among userIds seen so far (users come from tokens: unseen ones have none). */
  async usernamesOf(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const docs = await this.users.find({ userId: { $in: [...userIds] } }, { projection: { _id: 0, userId: 1, username: 1 } }).toArray();
    return new Map(docs.map((d) => [d.userId, d.username]));
  }

  findById(userId: string): Promise<UserDoc | null> {
    return this.users.findOne({ userId }, { projection: { _id: 0 } });
  }
}
