import type { Collection } from 'mongodb';
import type { WebhookOutboxDoc } from './documents';

/** Events waiting to become webhook deliveries; written before the change they report is acknowledged. */
export class WebhookOutboxRepository {
  constructor(private readonly outbox: Collection<WebhookOutboxDoc>) {}

  /** Idempotent: the same event (same id) recorded again changes nothing, dispatched or not. */
  async record(entries: WebhookOutboxDoc[]): Promise<void> {
    if (entries.length === 0) return;
    await this.outbox.bulkWrite(
      entries.map((entry) => ({ updateOne: { filter: { _id: entry._id }, update: { $setOnInsert: entry }, upsert: true } })),
      { ordered: false },
    );
  }

  /** Oldest first. */
  undispatched(limit: number): Promise<WebhookOutboxDoc[]> {
    return this.outbox
      .find({ dispatchedAt: { $exists: false } })
      .sort({ occurredAt: 1 })
      .limit(limit)
      .toArray();
  }

  async markDispatched(eventIds: string[], at = new Date()): Promise<void> {
    if (eventIds.length === 0) return;
    await this.outbox.updateMany({ _id: { $in: eventIds } }, { $set: { dispatchedAt: at } });
  }

  /** Dispatched events are kept a while, so a late repeat of the same event stays one event; then they go. */
  async deleteDispatchedBefore(before: Date): Promise<number> {
    return (await this.outbox.deleteMany({ dispatchedAt: { $lt: before } })).deletedCount;
  }
}
