import type { Collection } from 'mongodb';
import type { PushSubscriptionDoc } from './documents';

export type PushSubscriptionInput = Omit<PushSubscriptionDoc, 'createdAt'>;

/** Web Push subscriptions: one per browser endpoint, looked up by user. */
export class PushSubscriptionRepository {
  constructor(private readonly subscriptions: Collection<PushSubscriptionDoc>) {}

  /**
   * Stores a subscription, or refreshes it (keys rotate, or another user signed in on that
   * browser and it moves to them). Answers whether it is new.
   */
  async save(input: PushSubscriptionInput, now = new Date()): Promise<boolean> {
    const result = await this.subscriptions.updateOne(
      { endpoint: input.endpoint },
      { $set: { userId: input.userId, keys: input.keys, expirationTime: input.expirationTime }, $setOnInsert: { createdAt: now } },
      { upsert: true },
    );
    return result.upsertedCount > 0;
  }

  /** Removes the caller's own subscription; answers whether there was one. */
  async remove(userId: string, endpoint: string): Promise<boolean> {
    return (await this.subscriptions.deleteOne({ userId, endpoint })).deletedCount > 0;
  }

  /** A push service said the endpoint is gone (404/410): whoever held it, it is useless. */
  async removeEndpoint(endpoint: string): Promise<void> {
    await this.subscriptions.deleteOne({ endpoint });
  }

  async of(userId: string): Promise<PushSubscriptionDoc[]> {
    return this.subscriptions.find({ userId }, { projection: { _id: 0 } }).toArray();
  }

  /** Which of these users have at least one subscription (only they can be pushed to). */
  async subscribedAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const found = await this.subscriptions.distinct('userId', { userId: { $in: userIds } });
    return new Set(found);
  }
}
