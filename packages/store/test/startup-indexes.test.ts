import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import {
  ensureIndexes,
  IndexSpecConflictError,
  indexDefinitions,
  PermanentStartupError,
  type RetryNotice,
  retryUntilReady,
  StartupDeadlineError,
} from '../src';

const url = () => {
  const value = process.env.MONGO_URL;
  if (!value) throw new Error('MONGO_URL is not set: run the tests through @campzone/testkit (npm test)');
  return value;
};

describe('retryUntilReady', () => {
  test('retries a failing step with growing delays and tells each failure', async () => {
    const notices: RetryNotice[] = [];
    let calls = 0;
    const result = await retryUntilReady(
      'redis',
      async () => {
        calls += 1;
        if (calls < 4) throw new Error(`refused ${calls}`);
        return 'up';
      },
      { signal: new AbortController().signal, onRetry: (n) => notices.push(n), baseDelayMs: 4, random: () => 1 },
    );
    expect(result).toBe('up');
    expect(notices).toEqual([
      { dependency: 'redis', attempt: 1, delayMs: 4, error: 'refused 1' },
      { dependency: 'redis', attempt: 2, delayMs: 8, error: 'refused 2' },
      { dependency: 'redis', attempt: 3, delayMs: 16, error: 'refused 3' },
    ]);
  });

  test('gives up at the deadline, even during an attempt that has no answer, naming the dependency and the last error', async () => {
    let calls = 0;
    const step = () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('connect ECONNREFUSED')) : new Promise<never>(() => undefined);
    };
    const failure = retryUntilReady('mongodb', step, { signal: AbortSignal.timeout(200), onRetry: () => undefined, baseDelayMs: 1 });
    await expect(failure).rejects.toThrow(StartupDeadlineError);
    await expect(failure).rejects.toThrow(
      /^mongodb not ready by the start-up deadline after 2 attempt\(s\); last error: connect ECONNREFUSED$/,
    );
  });

  test('does not retry what retrying cannot fix', async () => {
    let calls = 0;
    const step = async () => {
      calls += 1;
      throw new PermanentStartupError('wrong index');
    };
    await expect(retryUntilReady('mongodb', step, { signal: AbortSignal.timeout(5000), onRetry: () => undefined })).rejects.toThrow(
      'wrong index',
    );
    expect(calls).toBe(1);
  });
});

describe('ensureIndexes at start-up', () => {
  let client: MongoClient;
  const dbs: string[] = [];
  beforeAll(async () => {
    client = await MongoClient.connect(url());
  });
  afterAll(async () => {
    for (const name of dbs) await client.db(name).dropDatabase();
    await client.close();
  });
  const freshDb = () => {
    const name = `store_startup_${randomBytes(4).toString('hex')}`;
    dbs.push(name);
    return name;
  };

  test('four pods creating the same indexes at once all succeed, each index made once', async () => {
    const name = freshDb();
    // Each pod has its own client: FerretDB drops the connection of a createIndexes that races another.
    const pods = await Promise.all([1, 2, 3, 4].map(() => MongoClient.connect(url())));
    try {
      const signal = AbortSignal.timeout(30_000);
      await Promise.all(
        pods.map((pod) => retryUntilReady('mongodb', () => ensureIndexes(pod.db(name)), { signal, onRetry: () => undefined })),
      );
    } finally {
      await Promise.all(pods.map((pod) => pod.close()));
    }
    for (const [collection, wanted] of Object.entries(indexDefinitions)) {
      const names = (await client.db(name).collection(collection).indexes()).map((i) => i.name);
      expect(names.filter((n) => n !== '_id_').sort()).toEqual(wanted.map((i) => i.name).sort());
    }
  }, 40_000);

  test('an index that holds our key under another name is a conflict for an operator, not retried', async () => {
    const name = freshDb();
    await client.db(name).collection('messages').createIndex({ createdAt: 1 }, { name: 'made_by_hand' });
    await expect(ensureIndexes(client.db(name))).rejects.toThrow(IndexSpecConflictError);
    await expect(ensureIndexes(client.db(name))).rejects.toThrow(/messages: createdAt/);
  });
});
