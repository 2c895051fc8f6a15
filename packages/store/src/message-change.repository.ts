import { type Collection, ObjectId, type UpdateFilter } from 'mongodb';
import type { MessageDoc, MessageEditDoc } from './documents';

/** Fields a change sets; rev is always among them. */
export type MessageChangeSet = Partial<Omit<MessageDoc, '_id' | 'roomId' | 'seq' | 'senderId' | 'idempotencyKey'>> & { rev: number };
export type MessageChangeUnset = Array<keyof MessageDoc>;

/**
 * Changes to stored messages (edit, delete, reactions, pins, thread summaries), each written
 * only if the message is still at the rev it was read at: concurrent changes on any pod never
 * overwrite each other, and a message's rev only rises. Every filter carries roomId.
 */
export class MessageChangeRepository {
  constructor(
    private readonly messages: Collection<MessageDoc>,
    private readonly edits: Collection<MessageEditDoc>,
  ) {}

  /** The stored message with everything a change needs; holes are not messages. */
  async find(roomId: string, messageId: string | ObjectId): Promise<MessageDoc | null> {
    if (typeof messageId === 'string' && !ObjectId.isValid(messageId)) return null;
    const found = await this.messages.findOne({ roomId, _id: new ObjectId(messageId) });
    return found?.hole ? null : found;
  }

  /** Writes the change if the message is still at readRev; answers whether it was. */
  async apply(
    roomId: string,
    id: ObjectId,
    readRev: number | undefined,
    set: MessageChangeSet,
    unset: MessageChangeUnset = [],
  ): Promise<boolean> {
    const atRev = readRev === undefined ? { rev: { $exists: false } } : { rev: readRev };
    const update: UpdateFilter<MessageDoc> = { $set: set };
    if (unset.length > 0) update.$unset = Object.fromEntries(unset.map((f) => [f, ''])) as UpdateFilter<MessageDoc>['$unset'];
    const result = await this.messages.updateOne({ roomId, _id: id, ...atRev }, update);
    return result.matchedCount === 1;
  }

  recordEdit(edit: MessageEditDoc): Promise<unknown> {
    return this.edits.insertOne(edit);
  }

  editsOf(roomId: string, messageId: ObjectId): Promise<MessageEditDoc[]> {
    return this.edits.find({ roomId, messageId }).sort({ editedAt: 1 }).toArray();
  }

  /** A delete erases the message's earlier versions, not only hides them. */
  async eraseEdits(roomId: string, messageId: ObjectId): Promise<void> {
    await this.edits.deleteMany({ roomId, messageId });
  }
}
