import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { dropNamespace, type ProvisionedServices, provisionServices, uniqueNamespace } from '../src';

describe('uniqueNamespace', () => {
  it('gives a Redis prefix of at most 32 safe characters and a matching database name', () => {
    const namespace = uniqueNamespace('/work/main/apps/gateway/test/Message Ordering (two pods).test.ts');
    expect(namespace.prefix).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(namespace.prefix).toMatch(/^message-ordering-t_[0-9a-f]{10}$/);
    expect(namespace.db).toBe(`t_${namespace.prefix}`);
  });

  it('never hands out the same names twice for the same label', () => {
    const namespaces = Array.from({ length: 200 }, () => uniqueNamespace('presence'));
    expect(new Set(namespaces.map((namespace) => namespace.prefix)).size).toBe(200);
    expect(new Set(namespaces.map((namespace) => namespace.db)).size).toBe(200);
  });

  it('falls back to a generic label when the given one has no usable characters', () => {
    expect(uniqueNamespace('🙂!!').prefix).toMatch(/^test_[0-9a-f]{10}$/);
  });
});

describe('dropNamespace', () => {
  let services: ProvisionedServices;
  beforeAll(async () => {
    services = await provisionServices({ env: { PATH: process.env.PATH ?? '' }, dockerProbe: async () => false });
  });
  afterAll(() => services.stop());

  it('removes the namespace keys and database and leaves other namespaces alone', async () => {
    const mine = uniqueNamespace('mine');
    const theirs = uniqueNamespace('theirs');
    const redis = createClient({ url: services.redisUrl });
    await redis.connect();
    const mongo = new MongoClient(services.mongoUrl);
    try {
      await redis.mSet([`${mine.prefix}:room:1`, 'a', `${mine.prefix}:room:2`, 'b', `${theirs.prefix}:room:1`, 'c']);
      await mongo.db(mine.db).collection('messages').insertOne({ text: 'mine' });
      await mongo.db(theirs.db).collection('messages').insertOne({ text: 'theirs' });

      await dropNamespace(mine, { redisUrl: services.redisUrl, mongoUrl: services.mongoUrl });

      expect(await redis.keys('*')).toEqual([`${theirs.prefix}:room:1`]);
      const databases = (await mongo.db('admin').admin().listDatabases()).databases.map((db) => db.name);
      expect(databases).toContain(theirs.db);
      expect(databases).not.toContain(mine.db);
    } finally {
      await redis.quit();
      await mongo.close();
    }
  });
});
