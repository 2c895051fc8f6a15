import type { Db } from 'mongodb';
import { AttachmentRepository } from './attachment.repository';
import { AuditLogRepository } from './audit-log.repository';
import { BlockRepository } from './block.repository';
import { type Collections, collectionsOf } from './collections';
import { IncomingHookRepository } from './incoming-hook.repository';
import { MessageRepository } from './message.repository';
import { MessageChangeRepository } from './message-change.repository';
import { ParticipantRepository, type RosterChanged } from './participant.repository';
import { PushSubscriptionRepository } from './push-subscription.repository';
import { QueueLogRepository } from './queue-log.repository';
import { ReceiptRepository } from './receipt.repository';
import { ReportRepository } from './report.repository';
import { RoomRepository } from './room.repository';
import { RoomBanRepository } from './room-ban.repository';
import { StatusFloorRepository } from './status-floor.repository';
import { UserRepository } from './user.repository';
import { WebhookRepository } from './webhook.repository';
import { WebhookDeliveryLogRepository } from './webhook-delivery-log.repository';
import { WebhookOutboxRepository } from './webhook-outbox.repository';

export interface Store {
  collections: Collections;
  users: UserRepository;
  rooms: RoomRepository;
  participants: ParticipantRepository;
  messages: MessageRepository;
  messageChanges: MessageChangeRepository;
  receipts: ReceiptRepository;
  statusFloors: StatusFloorRepository;
  queueLog: QueueLogRepository;
  bans: RoomBanRepository;
  reports: ReportRepository;
  blocks: BlockRepository;
  audit: AuditLogRepository;
  pushSubscriptions: PushSubscriptionRepository;
  attachments: AttachmentRepository;
  webhooks: WebhookRepository;
  webhookOutbox: WebhookOutboxRepository;
  webhookDeliveries: WebhookDeliveryLogRepository;
  incomingHooks: IncomingHookRepository;
}

export interface StoreOptions {
  /** Processes that change participants pass RosterVersions.changed, so the worker's copy of the rows is re-read. */
  rosterChanged?: RosterChanged;
}

export function createStore(db: Db, options: StoreOptions = {}): Store {
  const collections = collectionsOf(db);
  return {
    collections,
    users: new UserRepository(collections.users),
    rooms: new RoomRepository(collections.rooms),
    participants: new ParticipantRepository(collections.participants, options.rosterChanged),
    messages: new MessageRepository(collections.messages),
    messageChanges: new MessageChangeRepository(collections.messages, collections.messageEdits),
    receipts: new ReceiptRepository(collections.receipts),
    statusFloors: new StatusFloorRepository(collections.statusFloors),
    queueLog: new QueueLogRepository(collections.queueLog),
    bans: new RoomBanRepository(collections.bans),
    reports: new ReportRepository(collections.reports),
    blocks: new BlockRepository(collections.blocks),
    audit: new AuditLogRepository(collections.audit),
    pushSubscriptions: new PushSubscriptionRepository(collections.pushSubscriptions),
    attachments: new AttachmentRepository(collections.attachments),
    webhooks: new WebhookRepository(collections.webhooks),
    webhookOutbox: new WebhookOutboxRepository(collections.webhookOutbox),
    webhookDeliveries: new WebhookDeliveryLogRepository(collections.webhookDeliveries),
    incomingHooks: new IncomingHookRepository(collections.incomingHooks),
  };
}
