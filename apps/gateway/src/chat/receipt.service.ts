import { ChatError, ErrorCode, type MarkRead, type ReadReceipt } from '@campzone/protocol';
import { type MessageRepository, ObjectId, type ParticipantRepository, type ReceiptRepository } from '@campzone/store';

export interface MarkedRead {
  receipt: ReadReceipt;
  /** The receipt was stored by an earlier mark_read of the same message. */
  duplicate: boolean;
  /** Whether the room is told (`read_receipt`): a repeat is told only if it repaired its first attempt. */
  announce: boolean;
}

/** Read receipts: one per (message, user); the member's read cursor only moves forward. */
export class ReceiptService {
  constructor(
    private readonly messages: Pick<MessageRepository, 'findById'>,
    private readonly receipts: Pick<ReceiptRepository, 'record' | 'readAtOf'>,
    private readonly participants: Pick<ParticipantRepository, 'advanceRead'>,
    private readonly cursorsMoved: (roomId: string) => void,
  ) {}

  async markRead(userId: string, input: MarkRead): Promise<MarkedRead> {
    const message = await this.messages.findById(input.roomId, input.messageId);
    if (!message) throw new ChatError(ErrorCode.NOT_FOUND, `message ${input.messageId} is not in room ${input.roomId}`);
    const messageId = new ObjectId(input.messageId);
    const now = new Date();
    const receiptAt = (readAt: Date): ReadReceipt => ({
      messageId: input.messageId,
      roomId: input.roomId,
      userId,
      readAt: readAt.toISOString(),
      seq: message.seq,
    });
    if ((await this.receipts.record({ messageId, roomId: input.roomId, userId, readAt: now })) === 'inserted') {
      await this.participants.advanceRead(input.roomId, userId, message.seq, now);
      this.cursorsMoved(input.roomId);
      return { receipt: receiptAt(now), duplicate: false, announce: true };
    }
    // A repeat, usually a retry. Its first attempt stored the receipt but may have failed before
    // raising the cursor: raising it again (with the first read time, so a repeat of an attempt
    // that got through changes nothing) is what lets READ roll up, and if it moved, nobody was
    // told of this receipt yet. The rollup is asked for either way, as the first attempt may
    // have stopped just before asking.
    const readAt = (await this.receipts.readAtOf(input.roomId, messageId, userId)) ?? now;
    const moved = await this.participants.advanceRead(input.roomId, userId, message.seq, readAt);
    this.cursorsMoved(input.roomId);
    return { receipt: receiptAt(readAt), duplicate: true, announce: moved };
  }
}
