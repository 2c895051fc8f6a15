import { type Collection, ObjectId } from 'mongodb';
import type { WebhookDeliveryDoc } from './documents';

/** Every delivery attempt, newest kept: at most `cap` entries per webhook. */
export class WebhookDeliveryLogRepository {
  constructor(private readonly deliveries: Collection<WebhookDeliveryDoc>) {}

  async append(entry: Omit<WebhookDeliveryDoc, '_id'>, cap: number): Promise<void> {
    await this.deliveries.insertOne({ _id: new ObjectId(), ...entry });
    // The oldest kept entry: everything older goes. Ids grow with time, so _id order is age order.
    const boundary = await this.deliveries
      .find({ webhookId: entry.webhookId }, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .skip(cap - 1)
      .limit(1)
      .next();
    if (boundary) await this.deliveries.deleteMany({ webhookId: entry.webhookId, _id: { $lt: boundary._id } });
  }

  /** Newest first. */
  recent(webhookId: string, limit: number): Promise<WebhookDeliveryDoc[]> {
    return this.deliveries
      .find({ webhookId: new ObjectId(webhookId) })
      .sort({ _id: -1 })
      .limit(limit)
      .toArray();
  }

  async deleteOf(webhookId: string): Promise<void> {
    await this.deliveries.deleteMany({ webhookId: new ObjectId(webhookId) });
  }
}
