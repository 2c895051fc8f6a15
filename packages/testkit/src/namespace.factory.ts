import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';

export interface TestNamespace {
  /** Redis key prefix, `^[A-Za-z0-9_-]{1,32}$`. */
  prefix: string;
  /** MongoDB database name. */
  db: string;
}

const LABEL_MAX = 18;

/**
 * A Redis key prefix and a database name nobody else uses, so suites can share one Redis and one
 * MongoDB in parallel. Lower case because MongoDB treats names differing only in case as a clash.
 */
export function uniqueNamespace(label: string): TestNamespace {
  // Callers may pass __filename; only the file's own name says anything.
  const base = label.split(/[\\/]/).pop() ?? label;
  const slug =
    base
      .toLowerCase()
      .replace(/\.(test|spec)\.[cm]?[jt]s$/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, LABEL_MAX)
      .replace(/-+$/, '') || 'test';
  const id = randomBytes(5).toString('hex');
  return { prefix: `${slug}_${id}`, db: `t_${slug}_${id}` };
}

/** Deletes every Redis key under the prefix and drops the database: for afterAll on shared servers. */
export async function dropNamespace(namespace: TestNamespace, urls: { redisUrl?: string; mongoUrl?: string }): Promise<void> {
  if (urls.redisUrl) {
    const redis = createClient({ url: urls.redisUrl });
    await redis.connect();
    try {
      const batch: string[] = [];
      for await (const key of redis.scanIterator({ MATCH: `${namespace.prefix}*`, COUNT: 1000 })) {
        batch.push(key);
        if (batch.length >= 1000) await redis.unlink(batch.splice(0));
      }
      if (batch.length > 0) await redis.unlink(batch);
    } finally {
      await redis.quit();
    }
  }
  if (urls.mongoUrl) {
    const mongo = new MongoClient(urls.mongoUrl);
    try {
      await mongo.db(namespace.db).dropDatabase();
    } finally {
      await mongo.close();
    }
  }
}
