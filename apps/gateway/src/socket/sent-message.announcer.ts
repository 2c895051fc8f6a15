import { roomChannel } from '@campzone/protocol';
import type { ChatServices } from '../chat/chat-services';
import type { SendResult } from '../chat/send-message.service';
import type { GatewayMetrics } from '../observability/metrics';
import type { ChatServer } from './socket-types';

/**
 * What follows a send, from a socket or an incoming hook alike: the room's broadcast, delivery
 * tracking and the thread summary. `schedule` runs the broadcast when the caller wants it (a
 * socket send after its ack, so the sender's copy arrives behind the ack naming its local id).
 */
export function announceSent(
  io: ChatServer,
  chat: ChatServices,
  metrics: Pick<GatewayMetrics, 'duplicates' | 'messagesSent'>,
  { message, duplicate }: SendResult,
  schedule: (broadcast: () => void) => void,
): void {
  const tracked = { messageId: message.messageId, roomId: message.roomId, seq: message.seq, senderId: message.senderId };
  if (duplicate) {
    metrics.duplicates.inc();
    // The send that stored it may have died before its broadcast, so nobody may have it. A
    // second broadcast would break "one broadcast per message" whenever the first did go out
    // (a concurrent repeat); tracking again instead has the worker's first check re-send it
    // to exactly the online members who do not hold it, and costs nothing once delivered.
    if (message.status === 'PENDING') chat.queues?.trackDelivery(tracked);
    return;
  }
  // Only the send that stored the message broadcasts it: one broadcast per message.
  schedule(() => io.to(roomChannel(message.roomId)).emit('new_message', message));
  // Buffered, never awaited: the worker re-sends it to online members who do not ack.
  chat.queues?.trackDelivery(tracked);
  if (message.threadRootId) chat.queues?.requestThreadSummary(message.roomId, message.threadRootId);
  metrics.messagesSent.inc();
}
