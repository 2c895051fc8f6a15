import { ChatError, ErrorCode, type MarkRead, type ReadReceipt } from '@campzone/protocol';
import { type MessageRepository, ObjectId, type ParticipantRepository, type ReceiptRepository } from '@campzone/store';

/** Read receipts: one per (message, user); the member's read cursor only moves forward. */
export class ReceiptService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly receipts: ReceiptRepository,
    private readonly participants: ParticipantRepository,
    private readonly cursorsMoved: (roomId: string) => void,
  ) {}

  async markRead(userId: string, input: MarkRead): Promise<{ receipt: ReadReceipt; duplicate: boolean }> {
    const message = await this.messages.findById(input.roomId, input.messageId);
    if (!message) throw new ChatError(ErrorCode.NOT_FOUND, `message ${input.messageId} is not in room ${input.roomId}`);
    const readAt = new Date();
    const outcome = await this.receipts.record({ messageId: new ObjectId(input.messageId), roomId: input.roomId, userId, readAt });
    const receipt = { messageId: input.messageId, roomId: input.roomId, userId, readAt: readAt.toISOString(), seq: message.seq };
    if (outcome === 'duplicate') return { receipt, duplicate: true };
    await this.participants.advanceRead(input.roomId, userId, message.seq, readAt);
    this.cursorsMoved(input.roomId);
    return { receipt, duplicate: false };
  }
}
