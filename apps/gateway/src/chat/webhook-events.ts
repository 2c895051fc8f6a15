import type { WebhookEvent } from '@campzone/protocol';
import {
  ObjectId,
  type WebhookOutboxDoc,
  type WebhookOutboxRepository,
  type WebhookRepository,
  type WebhookSubscription,
} from '@campzone/store';
import { guarded } from './dependency-errors';
import { SingleFlight } from './single-flight';

/**
 * How long a pod trusts its copy of who subscribes to what. A webhook registered on another pod
 * starts receiving this pod's events within this long; the registering pod sees it at once.
 */
const SUBSCRIPTIONS_TTL_MS = 5000;

export interface WebhookEventsDeps {
  outbox: Pick<WebhookOutboxRepository, 'record'>;
  webhooks: Pick<WebhookRepository, 'subscriptions'>;
  /** Asks the worker to dispatch now; its scheduled pass finds the events if this is lost. */
  nudge?: () => void;
}

/**
 * Records webhook events in the store-backed outbox before the change they report is answered,
 * so an acknowledged change has its event even if this pod dies right after the ack. Rooms no
 * webhook listens to cost nothing but a lookup in a cached list.
 */
export class WebhookEvents {
  private cached: { until: number; subscriptions: WebhookSubscription[] } | undefined;
  private readonly lookups = new SingleFlight<WebhookSubscription[]>();

  constructor(private readonly deps: WebhookEventsDeps) {}

  messageCreated(roomId: string, messageId: string, at: Date): Promise<void> {
    return this.record('message.created', roomId, [{ _id: `created-${messageId}`, messageId: new ObjectId(messageId), occurredAt: at }]);
  }

  messageEdited(roomId: string, messageId: string, rev: number, at: Date): Promise<void> {
    return this.record('message.edited', roomId, [
      { _id: `edited-${messageId}-${rev}`, messageId: new ObjectId(messageId), occurredAt: at },
    ]);
  }

  messageDeleted(roomId: string, messageId: string, at: Date): Promise<void> {
    return this.record('message.deleted', roomId, [{ _id: `deleted-${messageId}`, messageId: new ObjectId(messageId), occurredAt: at }]);
  }

  membersAdded(roomId: string, userIds: string[], actorId: string): Promise<void> {
    return this.members('member.added', roomId, userIds, actorId);
  }

  membersRemoved(roomId: string, userIds: string[], actorId: string): Promise<void> {
    return this.members('member.removed', roomId, userIds, actorId);
  }

  /** A webhook was registered or deleted on this pod. */
  forget(): void {
    this.cached = undefined;
  }

  private members(event: WebhookEvent, roomId: string, userIds: string[], actorId: string): Promise<void> {
    const at = new Date();
    const prefix = event === 'member.added' ? 'added' : 'removed';
    return this.record(
      event,
      roomId,
      userIds.map((userId) => ({ _id: `${prefix}-${new ObjectId().toHexString()}`, userId, actorId, occurredAt: at })),
    );
  }

  private async record(event: WebhookEvent, roomId: string, entries: Array<Omit<WebhookOutboxDoc, 'event' | 'roomId'>>): Promise<void> {
    if (entries.length === 0 || !(await this.wanted(event, roomId))) return;
    await guarded('webhook outbox (MongoDB)', () => this.deps.outbox.record(entries.map((e) => ({ ...e, event, roomId }))));
    this.deps.nudge?.();
  }

  private async wanted(event: WebhookEvent, roomId: string): Promise<boolean> {
    const subscriptions = await this.subscriptions();
    return subscriptions.some((s) => s.events.includes(event) && (!s.roomIds || s.roomIds.includes(roomId)));
  }

  private async subscriptions(): Promise<WebhookSubscription[]> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.subscriptions;
    const subscriptions = await this.lookups.run('all', () => guarded('webhook list (MongoDB)', () => this.deps.webhooks.subscriptions()));
    this.cached = { until: Date.now() + SUBSCRIPTIONS_TTL_MS, subscriptions };
    return subscriptions;
  }
}
