import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { type BinaryLocator, pathLocator, provisionServices, ServicesUnavailableError, uniqueNamespace } from '../src';

const noDocker = async (): Promise<boolean> => false;

describe('provisionServices', () => {
  it('provides a Redis that answers PING and a MongoDB-wire server that stores and finds a document', async () => {
    const services = await provisionServices({ env: { PATH: process.env.PATH ?? '' }, dockerProbe: noDocker });
    try {
      expect(services.kind.redis).toBe('redis-server');
      expect(['mongod', 'ferretdb']).toContain(services.kind.mongo);

      const redis = createClient({ url: services.redisUrl });
      await redis.connect();
      await expect(redis.ping()).resolves.toBe('PONG');
      await redis.quit();

      const namespace = uniqueNamespace(__filename);
      const mongo = new MongoClient(services.mongoUrl);
      try {
        const messages = mongo.db(namespace.db).collection<{ text: string }>('messages');
        await messages.insertOne({ text: 'hello campus' });
        const found = await messages.find({}, { projection: { _id: 0 } }).toArray();
        expect(found).toEqual([{ text: 'hello campus' }]);
      } finally {
        await mongo.close();
      }
    } finally {
      await services.stop();
    }
  });

  it('stops the servers it started, so their ports refuse connections afterwards', async () => {
    const services = await provisionServices({ env: { PATH: process.env.PATH ?? '' }, dockerProbe: noDocker, mongo: false });
    await services.stop();
    const redis = createClient({ url: services.redisUrl, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
    redis.on('error', () => undefined);
    await expect(redis.connect()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reuses REDIS_URL and MONGO_URL from the environment without looking for Docker or binaries', async () => {
    const asked: string[] = [];
    const locator: BinaryLocator = {
      find(name) {
        asked.push(name);
        return undefined;
      },
    };
    const dockerProbe = jest.fn(noDocker);
    const services = await provisionServices({
      env: { REDIS_URL: 'redis://cache.example:6379', MONGO_URL: 'mongodb://db.example:27017' },
      locator,
      dockerProbe,
    });
    expect(services).toMatchObject({
      redisUrl: 'redis://cache.example:6379',
      mongoUrl: 'mongodb://db.example:27017',
      kind: { redis: 'env', mongo: 'env', redisCluster: 'none' },
    });
    expect(asked).toEqual([]);
    expect(dockerProbe).not.toHaveBeenCalled();
    await services.stop();
  });

  it('takes each URL from the environment independently and starts only the missing service', async () => {
    const services = await provisionServices({
      env: { PATH: process.env.PATH ?? '', MONGO_URL: 'mongodb://db.example:27017' },
      dockerProbe: noDocker,
    });
    try {
      expect(services.kind).toEqual({ redis: 'redis-server', mongo: 'env', redisCluster: 'none' });
      expect(services.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await services.stop();
    }
  });

  it('gives one error naming every way to provide Redis and MongoDB when nothing is available', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'testkit-empty-cache-'));
    try {
      const attempt = provisionServices({ env: {}, locator: pathLocator(''), dockerProbe: noDocker, ferretdbCacheDir: emptyCache });
      await expect(attempt).rejects.toBeInstanceOf(ServicesUnavailableError);
      const error = (await attempt.catch((caught: unknown) => caught)) as ServicesUnavailableError;
      expect(error.missing).toEqual(['redis', 'mongo']);
      for (const remedy of ['REDIS_URL', 'MONGO_URL', 'Docker', 'redis-server', 'mongod', 'ferretdb', 'Go']) {
        expect(error.message).toContain(remedy);
      }
    } finally {
      await rm(emptyCache, { recursive: true, force: true });
    }
  });
});

describe('provisionServices with redisCluster', () => {
  it('takes REDIS_CLUSTER_NODES from the environment and starts nothing for it', async () => {
    const services = await provisionServices({
      redis: false,
      mongo: false,
      redisCluster: true,
      env: { REDIS_CLUSTER_NODES: 'redis-0:6379,redis-1:6379' },
    });
    expect(services.kind.redisCluster).toBe('env');
    expect(services.redisClusterNodes).toBe('redis-0:6379,redis-1:6379');
    await services.stop();
  });
});
