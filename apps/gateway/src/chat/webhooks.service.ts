import { ChatError, type CreateWebhookBody, ErrorCode, type Webhook, type WebhookDeliveries, type WebhookList } from '@campzone/protocol';
import { type Resolver, resolveWebhookTarget, WebhookTargetError } from '@campzone/queue';
import { ObjectId, type WebhookDeliveryLogRepository, type WebhookDoc, type WebhookRepository } from '@campzone/store';
import type { Principal } from '../auth/token-verifier';
import { guarded } from './dependency-errors';
import type { WebhookEvents } from './webhook-events';

export interface WebhooksDeps {
  webhooks: WebhookRepository;
  deliveries: Pick<WebhookDeliveryLogRepository, 'recent' | 'deleteOf'>;
  events: Pick<WebhookEvents, 'forget'>;
  /** WEBHOOK_ALLOWED_HOSTS: hosts exempt from the private-address check. */
  allowedHosts: readonly string[];
  resolve?: Resolver;
}

const DEFAULT_LOG_PAGE = 50;

/** Registering, listing and deleting outgoing webhooks, for campus admins; each sees only their own. */
export class WebhooksService {
  constructor(private readonly deps: WebhooksDeps) {}

  async create(principal: Principal, body: CreateWebhookBody): Promise<Webhook> {
    requireCampusAdmin(principal);
    try {
      await resolveWebhookTarget(body.url, this.deps.allowedHosts, this.deps.resolve);
    } catch (err) {
      if (err instanceof WebhookTargetError) throw new ChatError(ErrorCode.VALIDATION_FAILED, err.message);
      throw err;
    }
    const doc: WebhookDoc = {
      _id: new ObjectId(),
      ownerId: principal.userId,
      url: body.url,
      events: body.events,
      ...(body.roomIds ? { roomIds: body.roomIds } : {}),
      secret: body.secret,
      status: 'active',
      createdAt: new Date(),
    };
    await this.store(() => this.deps.webhooks.create(doc));
    this.deps.events.forget();
    return viewOf(doc);
  }

  async list(principal: Principal): Promise<WebhookList> {
    requireCampusAdmin(principal);
    const docs = await this.store(() => this.deps.webhooks.ownedBy(principal.userId));
    return { webhooks: docs.map(viewOf) };
  }

  async remove(principal: Principal, webhookId: string): Promise<void> {
    requireCampusAdmin(principal);
    if (!(await this.store(() => this.deps.webhooks.deleteOwned(principal.userId, webhookId)))) throw notFound(webhookId);
    this.deps.events.forget();
    await this.store(() => this.deps.deliveries.deleteOf(webhookId));
  }

  /** Newest first: every attempt, with the receiver's status or the error. */
  async deliveries(principal: Principal, webhookId: string, limit = DEFAULT_LOG_PAGE): Promise<WebhookDeliveries> {
    requireCampusAdmin(principal);
    if (!(await this.store(() => this.deps.webhooks.findOwned(principal.userId, webhookId)))) throw notFound(webhookId);
    const rows = await this.store(() => this.deps.deliveries.recent(webhookId, limit));
    return {
      webhookId,
      deliveries: rows.map((r) => ({
        eventId: r.eventId,
        event: r.event,
        attempt: r.attempt,
        at: r.at.toISOString(),
        ok: r.ok,
        ...(r.statusCode === undefined ? {} : { statusCode: r.statusCode }),
        ...(r.error === undefined ? {} : { error: r.error }),
        durationMs: r.durationMs,
        final: r.final,
      })),
    };
  }

  private store<T>(call: () => Promise<T>): Promise<T> {
    return guarded('webhook store (MongoDB)', call);
  }
}

export function requireCampusAdmin(principal: Principal): void {
  if (!principal.campusAdmin)
    throw new ChatError(ErrorCode.FORBIDDEN, "webhooks need the campus-admin scope (a token with role: 'campus-admin')");
}

function notFound(webhookId: string): ChatError {
  return new ChatError(ErrorCode.NOT_FOUND, `no webhook ${webhookId} of yours`);
}

function viewOf(doc: WebhookDoc): Webhook {
  return {
    webhookId: doc._id.toHexString(),
    url: doc.url,
    events: doc.events,
    ...(doc.roomIds ? { roomIds: doc.roomIds } : {}),
    status: doc.status,
    ...(doc.lastError ? { lastError: doc.lastError } : {}),
    createdAt: doc.createdAt.toISOString(),
  };
}
