import { type Collection, MongoServerError, type ObjectId } from 'mongodb';
import type { ReadReceiptDoc } from './documents';

export class ReceiptRepository {
  constructor(private readonly receipts: Collection<ReadReceiptDoc>) {}

  /** Stores one receipt per (message, user); a repeat is reported, not an error. */
  async record(receipt: ReadReceiptDoc): Promise<'inserted' | 'duplicate'> {
    try {
      await this.receipts.insertOne({ ...receipt });
      return 'inserted';
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) return 'duplicate';
      throw err;
    }
  }

  /** When the user first read the message (their stored receipt), if they have. */
  async readAtOf(roomId: string, messageId: ObjectId, userId: string): Promise<Date | undefined> {
    const stored = await this.receipts.findOne({ roomId, messageId, userId }, { projection: { readAt: 1 } });
    return stored?.readAt;
  }

  countFor(roomId: string, messageId: ObjectId): Promise<number> {
    return this.receipts.countDocuments({ roomId, messageId });
  }
}
