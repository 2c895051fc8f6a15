import type { Collection } from 'mongodb';
import type { UserBlockDoc } from './documents';

/** A user's own blocks: every filter starts with the blocking user. */
export class BlockRepository {
  constructor(private readonly blocks: Collection<UserBlockDoc>) {}

  async block(userId: string, blockedId: string, at = new Date()): Promise<void> {
    await this.blocks.updateOne({ userId, blockedId }, { $setOnInsert: { userId, blockedId, createdAt: at } }, { upsert: true });
  }

  async unblock(userId: string, blockedId: string): Promise<void> {
    await this.blocks.deleteOne({ userId, blockedId });
  }

  async blockedBy(userId: string): Promise<string[]> {
    const rows = await this.blocks.find({ userId }, { projection: { _id: 0, blockedId: 1 } }).toArray();
    return rows.map((r) => r.blockedId);
  }

  async has(userId: string, blockedId: string): Promise<boolean> {
    return (await this.blocks.countDocuments({ userId, blockedId }, { limit: 1 })) > 0;
  }
}
