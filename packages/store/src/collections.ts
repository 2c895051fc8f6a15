import type { Collection, Db } from 'mongodb';
import type {
  AttachmentDoc,
  AuditEntryDoc,
  EncryptionKeyDoc,
  IncomingHookDoc,
  MessageDoc,
  MessageEditDoc,
  MessageReportDoc,
  ParticipantDoc,
  PushSubscriptionDoc,
  QueueLogDoc,
  ReadReceiptDoc,
  RoomBanDoc,
  RoomDoc,
  StatusFloorDoc,
  UserBlockDoc,
  UserDoc,
  WebhookDeliveryDoc,
  WebhookDoc,
  WebhookOutboxDoc,
} from './documents';

/** Collection names: snake_case plurals as in the seed. Renaming one strands stored data. */
export const CollectionName = {
  users: 'users',
  rooms: 'chat_rooms',
  participants: 'chat_participants',
  messages: 'messages',
  messageEdits: 'message_edits',
  receipts: 'message_read_receipts',
  statusFloors: 'message_status_floors',
  queueLog: 'message_queue_log',
  encryptionKeys: 'chat_encryption_keys',
  bans: 'room_bans',
  reports: 'message_reports',
  blocks: 'user_blocks',
  audit: 'room_audit_log',
  pushSubscriptions: 'push_subscriptions',
  attachments: 'attachments',
  webhooks: 'webhooks',
  webhookOutbox: 'webhook_outbox',
  webhookDeliveries: 'webhook_deliveries',
  incomingHooks: 'incoming_hooks',
} as const;

export interface Collections {
  users: Collection<UserDoc>;
  rooms: Collection<RoomDoc>;
  participants: Collection<ParticipantDoc>;
  messages: Collection<MessageDoc>;
  messageEdits: Collection<MessageEditDoc>;
  receipts: Collection<ReadReceiptDoc>;
  statusFloors: Collection<StatusFloorDoc>;
  queueLog: Collection<QueueLogDoc>;
  encryptionKeys: Collection<EncryptionKeyDoc>;
  bans: Collection<RoomBanDoc>;
  reports: Collection<MessageReportDoc>;
  blocks: Collection<UserBlockDoc>;
  audit: Collection<AuditEntryDoc>;
  pushSubscriptions: Collection<PushSubscriptionDoc>;
  attachments: Collection<AttachmentDoc>;
  webhooks: Collection<WebhookDoc>;
  webhookOutbox: Collection<WebhookOutboxDoc>;
  webhookDeliveries: Collection<WebhookDeliveryDoc>;
  incomingHooks: Collection<IncomingHookDoc>;
}

export function collectionsOf(db: Db): Collections {
  return {
    users: db.collection<UserDoc>(CollectionName.users),
    rooms: db.collection<RoomDoc>(CollectionName.rooms),
    participants: db.collection<ParticipantDoc>(CollectionName.participants),
    messages: db.collection<MessageDoc>(CollectionName.messages),
    messageEdits: db.collection<MessageEditDoc>(CollectionName.messageEdits),
    receipts: db.collection<ReadReceiptDoc>(CollectionName.receipts),
    statusFloors: db.collection<StatusFloorDoc>(CollectionName.statusFloors),
    queueLog: db.collection<QueueLogDoc>(CollectionName.queueLog),
    encryptionKeys: db.collection<EncryptionKeyDoc>(CollectionName.encryptionKeys),
    bans: db.collection<RoomBanDoc>(CollectionName.bans),
    reports: db.collection<MessageReportDoc>(CollectionName.reports),
    blocks: db.collection<UserBlockDoc>(CollectionName.blocks),
    audit: db.collection<AuditEntryDoc>(CollectionName.audit),
    pushSubscriptions: db.collection<PushSubscriptionDoc>(CollectionName.pushSubscriptions),
    attachments: db.collection<AttachmentDoc>(CollectionName.attachments),
    webhooks: db.collection<WebhookDoc>(CollectionName.webhooks),
    webhookOutbox: db.collection<WebhookOutboxDoc>(CollectionName.webhookOutbox),
    webhookDeliveries: db.collection<WebhookDeliveryDoc>(CollectionName.webhookDeliveries),
    incomingHooks: db.collection<IncomingHookDoc>(CollectionName.incomingHooks),
  };
}
