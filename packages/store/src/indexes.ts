import { type Db, type IndexDescription, MongoServerError } from 'mongodb';
import { CollectionName } from './collections';

/**
 * Every index, by collection: the seed's, plus unique {roomId, seq} and the idempotency
 * index unique on {senderId, idempotencyKey} (the seed's global unique key would let one
 * user's key block another's). Names are fixed so ensureIndexes is idempotent.
 */
export const indexDefinitions: Record<string, IndexDescription[]> = {
  [CollectionName.users]: [
    { key: { userId: 1 }, name: 'userId_unique', unique: true },
    { key: { email: 1 }, name: 'email_unique', unique: true, sparse: true },
  ],
  [CollectionName.rooms]: [{ key: { roomId: 1 }, name: 'roomId_unique', unique: true }],
  [CollectionName.participants]: [
    { key: { roomId: 1, userId: 1 }, name: 'roomId_userId_unique', unique: true },
    { key: { userId: 1 }, name: 'userId' },
  ],
  [CollectionName.messages]: [
    { key: { roomId: 1, lamportTimestamp: 1, createdAt: 1 }, name: 'room_order' },
    { key: { roomId: 1, seq: 1 }, name: 'roomId_seq_unique', unique: true },
    { key: { senderId: 1, idempotencyKey: 1 }, name: 'senderId_idempotencyKey_unique', unique: true },
    { key: { createdAt: 1 }, name: 'createdAt' },
  ],
  [CollectionName.receipts]: [
    { key: { messageId: 1, userId: 1 }, name: 'messageId_userId_unique', unique: true },
    { key: { roomId: 1, userId: 1 }, name: 'roomId_userId' },
  ],
  [CollectionName.queueLog]: [
    { key: { messageId: 1 }, name: 'messageId_unique', unique: true },
    { key: { roomId: 1, status: 1 }, name: 'roomId_status' },
    { key: { nextRetryAt: 1 }, name: 'nextRetryAt' },
    { key: { createdAt: 1 }, name: 'createdAt' },
  ],
  [CollectionName.encryptionKeys]: [{ key: { roomId: 1, keyVersion: 1 }, name: 'roomId_keyVersion_unique', unique: true }],
};

/**
 * Creates the indexes that do not exist yet; safe to run at every start of every pod.
 * Existing ones are skipped by name rather than re-sent: FerretDB v1 drops the connection
 * when createIndexes repeats an index it already has.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(indexDefinitions)) {
    const collection = db.collection(name);
    const existing = new Set(await indexNames(db, name));
    const missing = indexes.filter((i) => !existing.has(i.name ?? ''));
    if (missing.length > 0) await collection.createIndexes(missing);
  }
}

async function indexNames(db: Db, collection: string): Promise<string[]> {
  try {
    return (await db.collection(collection).indexes()).map((i) => i.name ?? '');
  } catch (err) {
    // A collection that does not exist yet has no indexes.
    if (err instanceof MongoServerError && err.code === 26) return [];
    throw err;
  }
}
