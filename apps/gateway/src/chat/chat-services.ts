import type { QueueProducers } from '@campzone/queue';
import type { TypingState } from '@campzone/realtime';
import type { DeliveryAckService } from './delivery-ack.service';
import type { HistoryService } from './history.service';
import type { MembershipService } from './membership.service';
import type { PresenceService } from './presence.service';
import type { ReceiptService } from './receipt.service';
import type { RoomService } from './room.service';
import type { SendMessageService } from './send-message.service';

/** The chat rules the transports call; none of them sees a socket or a request. */
export interface ChatServices {
  /** The worker's producers: delivery tracking of stored messages, status rollups. */
  queues: QueueProducers | undefined;
  membership: MembershipService;
  rooms: RoomService;
  send: SendMessageService;
  history: HistoryService;
  presence: PresenceService;
  typing: TypingState;
  receipts: ReceiptService;
  deliveryAcks: DeliveryAckService;
}
