import { type Db, type IndexDescription, type IndexDescriptionInfo, MongoServerError } from 'mongodb';
import { CollectionName } from './collections';
import { PermanentStartupError } from './startup-retry';

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
    // The worker finds a room's members who asked for every message (notificationLevel 'all').
    { key: { roomId: 1, notificationLevel: 1 }, name: 'roomId_notificationLevel' },
  ],
  [CollectionName.messages]: [
    { key: { roomId: 1, lamportTimestamp: 1, createdAt: 1 }, name: 'room_order' },
    { key: { roomId: 1, seq: 1 }, name: 'roomId_seq_unique', unique: true },
    { key: { senderId: 1, idempotencyKey: 1 }, name: 'senderId_idempotencyKey_unique', unique: true },
    { key: { createdAt: 1 }, name: 'createdAt' },
    // sync's `changed`, and re-seeding the rev counter
    { key: { roomId: 1, rev: 1 }, name: 'roomId_rev' },
    { key: { roomId: 1, threadRootId: 1, seq: 1 }, name: 'roomId_threadRootId_seq' },
    { key: { roomId: 1, pinned: 1 }, name: 'roomId_pinned' },
  ],
  [CollectionName.messageEdits]: [{ key: { roomId: 1, messageId: 1, editedAt: 1 }, name: 'roomId_messageId_editedAt' }],
  [CollectionName.receipts]: [
    // Led by roomId: on a MongoDB sharded by room a unique index must start with the shard key.
    { key: { roomId: 1, messageId: 1, userId: 1 }, name: 'roomId_messageId_userId_unique', unique: true },
    { key: { roomId: 1, userId: 1 }, name: 'roomId_userId' },
  ],
  [CollectionName.queueLog]: [
    { key: { messageId: 1 }, name: 'messageId_unique', unique: true },
    { key: { roomId: 1, status: 1 }, name: 'roomId_status' },
    { key: { nextRetryAt: 1 }, name: 'nextRetryAt' },
    { key: { createdAt: 1 }, name: 'createdAt' },
  ],
  [CollectionName.encryptionKeys]: [{ key: { roomId: 1, keyVersion: 1 }, name: 'roomId_keyVersion_unique', unique: true }],
  [CollectionName.bans]: [{ key: { roomId: 1, userId: 1 }, name: 'roomId_userId_unique', unique: true }],
  [CollectionName.reports]: [{ key: { roomId: 1, status: 1, createdAt: 1 }, name: 'roomId_status_createdAt' }],
  [CollectionName.blocks]: [{ key: { userId: 1, blockedId: 1 }, name: 'userId_blockedId_unique', unique: true }],
  [CollectionName.audit]: [{ key: { roomId: 1, _id: -1 }, name: 'roomId_id' }],
  // Not room data: keyed by the browser's endpoint, looked up by user when a push is due.
  [CollectionName.pushSubscriptions]: [
    { key: { endpoint: 1 }, name: 'endpoint_unique', unique: true },
    { key: { userId: 1 }, name: 'userId' },
  ],
  [CollectionName.attachments]: [{ key: { roomId: 1, _id: 1 }, name: 'roomId_id' }],
  [CollectionName.webhooks]: [{ key: { ownerId: 1 }, name: 'ownerId' }],
  // Not room data: a queue read in arrival order across rooms (see docs/design.md, webhooks).
  [CollectionName.webhookOutbox]: [{ key: { dispatchedAt: 1, occurredAt: 1 }, name: 'dispatchedAt_occurredAt' }],
  [CollectionName.webhookDeliveries]: [{ key: { webhookId: 1, _id: -1 }, name: 'webhookId_id' }],
  [CollectionName.incomingHooks]: [{ key: { roomId: 1 }, name: 'roomId' }],
};

/**
 * Creates the indexes that do not exist yet; safe to run at every start of every pod.
 * Existing ones are skipped by name rather than re-sent: FerretDB v1 drops the connection
 * when createIndexes repeats an index it already has, or when pods create the same indexes at
 * once. A dropped connection is thrown for the start-up loop to retry (this skips what the
 * other pod finished meanwhile); MongoDB's answers to the same race ("already exists", an
 * options or key-spec conflict) are success when what now exists is what was asked for.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, wanted] of Object.entries(indexDefinitions)) {
    const existing = await listIndexes(db, name);
    const missing = wanted.filter((i) => !existing.has(i.name ?? ''));
    if (missing.length === 0) continue;
    try {
      await db.collection(name).createIndexes(missing);
    } catch (err) {
      if (!(err instanceof MongoServerError && INDEX_RACE_CODES.has(Number(err.code)))) throw err;
      const now = await listIndexes(db, name);
      const states = missing.map((i) => raceOutcome(i, now));
      const conflicting = missing.filter((_, k) => states[k] === 'conflict');
      if (conflicting.length > 0) {
        throw new IndexSpecConflictError(`${name}: ${conflicting.map((i) => i.name).join(', ')} (${err.message})`);
      }
      // One still being built by the other pod is not listed yet: the next attempt finds it.
      if (states.includes('absent')) throw err;
    }
  }
}

/** IndexAlreadyExists, IndexOptionsConflict, IndexKeySpecsConflict. */
const INDEX_RACE_CODES = new Set([68, 85, 86]);

/** An index that exists with another spec than ours: retrying cannot fix it, an operator must. */
export class IndexSpecConflictError extends PermanentStartupError {
  override readonly name = 'IndexSpecConflictError';

  constructor(detail: string) {
    super(`an existing index conflicts with the one this version needs: ${detail}`);
  }
}

/**
 * After a refused createIndexes: `created` when our name now holds our spec (another pod won the
 * race), `conflict` when our name holds another spec or our key sits under another name,
 * `absent` when neither is listed yet.
 */
function raceOutcome(wanted: IndexDescription, now: Map<string, IndexDescriptionInfo>): 'created' | 'conflict' | 'absent' {
  const byName = now.get(wanted.name ?? '');
  if (byName) return sameSpec(byName, wanted) ? 'created' : 'conflict';
  const sameKey = [...now.values()].some((i) => JSON.stringify(i.key) === JSON.stringify(wanted.key));
  return sameKey ? 'conflict' : 'absent';
}

/** Same key (order included) and the same uniqueness: what queries and duplicate checks rely on. */
function sameSpec(existing: IndexDescriptionInfo, wanted: IndexDescription): boolean {
  return (
    JSON.stringify(existing.key) === JSON.stringify(wanted.key) &&
    Boolean(existing.unique) === Boolean(wanted.unique) &&
    Boolean(existing.sparse) === Boolean(wanted.sparse)
  );
}

async function listIndexes(db: Db, collection: string): Promise<Map<string, IndexDescriptionInfo>> {
  try {
    return new Map((await db.collection(collection).indexes()).map((i) => [i.name ?? '', i]));
  } catch (err) {
    // A collection that does not exist yet has no indexes.
    if (err instanceof MongoServerError && err.code === 26) return new Map();
    throw err;
  }
}
