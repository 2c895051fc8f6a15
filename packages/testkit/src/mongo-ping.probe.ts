import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';

/** Resolves once a `ping` command succeeds, so "ready" means the wire protocol answers, not just the port. */
export async function waitForMongoPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await client.close();
    }
    await sleep(100);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`no answer to ping at ${url} within ${timeoutMs} ms: ${reason}`);
}
