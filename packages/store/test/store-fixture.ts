import { randomBytes } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { createStore, ensureIndexes, type Store } from '../src';

/** A real MongoDB-wire database of its own per test file, dropped afterwards. */
export async function openStore(): Promise<{ db: Db; store: Store; close(): Promise<void> }> {
  const url = process.env.MONGO_URL;
  if (!url) throw new Error('MONGO_URL is not set: run the tests through @campzone/testkit (npm test)');
  const client = await MongoClient.connect(url);
  const db = client.db(`store_${randomBytes(4).toString('hex')}`);
  await ensureIndexes(db);
  return {
    db,
    store: createStore(db),
    async close() {
      await db.dropDatabase();
      await client.close();
    },
  };
}
