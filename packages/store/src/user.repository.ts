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

  findById(userId: string): Promise<UserDoc | null> {
    return this.users.findOne({ userId }, { projection: { _id: 0 } });
  }
}
