import type { QueueProducers } from '@campzone/queue';
import type { TypingState } from '@campzone/realtime';
import type { AttachmentService } from './attachment.service';
import type { BlocksService } from './blocks.service';
import type { DeliveryAckService } from './delivery-ack.service';
import type { HistoryService } from './history.service';
import type { MembershipService } from './membership.service';
import type { MessageChangeService } from './message-change.service';
import type { NotificationsService } from './notifications.service';
import type { PostingRules } from './posting-rules';
import type { PresenceService } from './presence.service';
import type { ReceiptService } from './receipt.service';
import type { ReportsService } from './reports.service';
import type { RoomService } from './room.service';
import type { RoomMembersService } from './room-members.service';
import type { RoomRulesCache } from './room-settings.cache';
import type { SendMessageService } from './send-message.service';

/** The chat rules the transports call; none of them sees a socket or a request. */
export interface ChatServices {
  /** The worker's producers: delivery tracking of stored messages, status rollups. */
  queues: QueueProducers | undefined;
  membership: MembershipService;
  /** Each room's rules (archive, announcements, slow mode), cached per pod. */
  roomRules: RoomRulesCache;
  rules: PostingRules;
  rooms: RoomService;
  /** Adding, removing, roles, rosters, mutes, bans. */
  members: RoomMembersService;
  reports: ReportsService;
  blocks: BlocksService;
  /** Web Push subscriptions and notification levels. */
  notifications: NotificationsService;
  send: SendMessageService;
  /** Edits, deletes, reactions and pins of stored messages. */
  changes: MessageChangeService;
  history: HistoryService;
  presence: PresenceService;
  typing: TypingState;
  receipts: ReceiptService;
  deliveryAcks: DeliveryAckService;
  /** Uploads, their use in sends, downloads, purges. */
  attachments: AttachmentService;
}
