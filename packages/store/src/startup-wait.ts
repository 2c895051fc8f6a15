import { type Db, MongoClient, type ReadPreferenceMode } from 'mongodb';
import { ensureIndexes } from './indexes';
import { retryUntilReady, StartupDeadlineError, type StartupRetryOptions } from './startup-retry';

export interface MongoLimits {
  socketTimeoutMS: number;
  waitQueueTimeoutMS: number;
  /** MONGO_WRITE_CONCERN: 'majority' or a number of members; default 'majority'. */
  writeConcern?: 'majority' | number;
  /** MONGO_READ_PREFERENCE; default 'primary'. */
  readPreference?: ReadPreferenceMode;
}

/** The MongoDB client both apps open: not connected yet, waitForRedisAndMongo connects it. */
export function createMongoClient(url: string, limits: MongoLimits): MongoClient {
  return new MongoClient(url, {
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 20,
    socketTimeoutMS: limits.socketTimeoutMS,
    // Without it an operation waits for a pooled connection forever: behind a slow store every
    // request piles up there, holding its memory, long after its client was answered.
    waitQueueTimeoutMS: limits.waitQueueTimeoutMS,
    // An ack means the message survives a primary's failover: a write only the old primary
    // held is rolled back, and the client was told it was stored.
    writeConcern: { w: limits.writeConcern ?? 'majority' },
    // sync and history must see what was just acknowledged; a secondary may lag behind it.
    readPreference: limits.readPreference ?? 'primary',
    // Command events feed the per-command latency and write-size metrics (observeMongoCommands):
    // a shallow copy of each command, small beside the round trip it describes.
    monitorCommands: true,
  });
}

export interface StartupWait {
  /** STARTUP_DEADLINE_MS: past it the wait fails and the process exits. */
  deadlineMs: number;
  onRetry: StartupRetryOptions['onRetry'];
  connectRedis: () => Promise<unknown>;
  mongo: MongoClient;
  db: Db;
}

/** Waits for Redis and MongoDB side by side, each retried with backoff until the deadline. */
export async function waitForRedisAndMongo(wait: StartupWait): Promise<void> {
  const retry: StartupRetryOptions = { signal: AbortSignal.timeout(wait.deadlineMs), onRetry: wait.onRetry };
  await Promise.all([
    retryUntilReady('redis', wait.connectRedis, retry),
    // Other pods may be creating the same indexes; FerretDB drops the connection then: retried.
    retryUntilReady(
      'mongodb',
      async () => {
        await wait.mongo.connect();
        await ensureIndexes(wait.db);
      },
      retry,
    ),
  ]).catch((err: unknown) => {
    if (err instanceof StartupDeadlineError) throw new Error(`${err.message} (STARTUP_DEADLINE_MS=${wait.deadlineMs})`);
    throw err;
  });
}
