import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

/**
 * Statements per bulkWrite. FerretDB v1 never answers an update command of 100 or more, and
 * holds one of its 100 SQLite connections per statement until the command ends, so a few
 * concurrent commands of 50 can wedge it too; small chunks cost little on MongoDB.
 */
const BULK_CHUNK = 16;

/** An unordered bulkWrite of any size, sent in chunks every MongoDB-wire server answers. */
export async function bulkWriteInChunks<T extends Document>(
  collection: Collection<T>,
  ops: AnyBulkWriteOperation<T>[],
): Promise<{ modifiedCount: number; upsertedCount: number }> {
  const total = { modifiedCount: 0, upsertedCount: 0 };
  for (let i = 0; i < ops.length; i += BULK_CHUNK) {
    const result = await collection.bulkWrite(ops.slice(i, i + BULK_CHUNK), { ordered: false });
    total.modifiedCount += result.modifiedCount;
    total.upsertedCount += result.upsertedCount;
  }
  return total;
}
