import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';

/** Statements per bulkWrite: FerretDB v1 never answers an update command of 100 or more. */
const BULK_CHUNK = 50;

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
