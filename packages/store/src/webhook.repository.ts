import type { WebhookEvent } from '@campzone/protocol';
import { type Collection, ObjectId } from 'mongodb';
import type { WebhookDoc } from './documents';

/** Which events of which rooms some webhook wants: what the gateways cache to skip the outbox when nobody listens. */
export interface WebhookSubscription {
  events: WebhookEvent[];
  roomIds?: string[];
}

/** Outgoing webhooks. A webhook belongs to its owner: reads and deletes by others find nothing. */
export class WebhookRepository {
  constructor(private readonly webhooks: Collection<WebhookDoc>) {}

  async create(doc: WebhookDoc): Promise<void> {
    await this.webhooks.insertOne(doc);
  }

  ownedBy(ownerId: string): Promise<WebhookDoc[]> {
    return this.webhooks.find({ ownerId }).sort({ _id: 1 }).toArray();
  }

  findOwned(ownerId: string, webhookId: string): Promise<WebhookDoc | null> {
    return this.webhooks.findOne({ _id: new ObjectId(webhookId), ownerId });
  }

  find(webhookId: string): Promise<WebhookDoc | null> {
    return this.webhooks.findOne({ _id: new ObjectId(webhookId) });
  }

  async deleteOwned(ownerId: string, webhookId: string): Promise<boolean> {
    return (await this.webhooks.deleteOne({ _id: new ObjectId(webhookId), ownerId })).deletedCount > 0;
  }

  subscriptions(): Promise<WebhookSubscription[]> {
    return this.webhooks.find({}, { projection: { _id: 0, events: 1, roomIds: 1 } }).toArray();
  }

  /** The webhooks an event of this room goes to. */
  subscribedTo(event: WebhookEvent, roomId: string): Promise<WebhookDoc[]> {
    return this.webhooks.find({ events: event, $or: [{ roomIds: { $exists: false } }, { roomIds: roomId }] }).toArray();
  }

  async markFailing(webhookId: string, error: string, at = new Date()): Promise<void> {
    await this.webhooks.updateOne({ _id: new ObjectId(webhookId) }, { $set: { status: 'failing', lastError: error, failingSince: at } });
  }

  /** A delivery went through: a failing webhook is active again. */
  async markActive(webhookId: string): Promise<void> {
    await this.webhooks.updateOne(
      { _id: new ObjectId(webhookId), status: 'failing' },
      { $set: { status: 'active' }, $unset: { lastError: '', failingSince: '' } },
    );
  }
}
