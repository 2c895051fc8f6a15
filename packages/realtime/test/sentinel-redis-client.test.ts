import { type RedisSentinelSetup, startRedisSentinel } from '@campzone/testkit';
import { createClient } from 'redis';
import { createSentinelRedisClient, FAILOVER_FOLLOWED, type FailoverFollowed, type RedisClient } from '../src';

// A real master, replica and three sentinels; the master is killed -9 and the client must end
// up on the promoted replica by itself, commands and subscriptions alike.
let setup: RedisSentinelSetup;
const clients: RedisClient[] = [];

beforeAll(async () => {
  setup = await startRedisSentinel();
}, 45_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.disconnect()));
  await setup?.stop();
});

function sentinelClient(): RedisClient {
  const client = createSentinelRedisClient({
    mode: 'sentinel',
    sentinels: setup.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
    masterName: setup.masterName,
  });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

async function sentinelCommand(args: string[]): Promise<unknown> {
  const sentinel: RedisClient = createClient({ socket: { host: '127.0.0.1', port: setup.sentinels[0]?.port ?? 0 } });
  await sentinel.connect();
  try {
    return await sentinel.sendCommand(args);
  } finally {
    await sentinel.disconnect();
  }
}

async function eventually<T>(probe: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

test('a client follows a failover whose old master stays up (demoted to a replica), so its writes land on the new master', async () => {
  const command = sentinelClient();
  await command.connect();
  const oldMaster = await setup.currentMaster();
  await command.set('manual', 'before');
  await sentinelCommand(['SENTINEL', 'FAILOVER', setup.masterName]);
  await setup.waitForPromotion(oldMaster);
  await eventually(async () => {
    await command.set('manual', 'after');
    if ((await command.sendCommand<unknown[]>(['ROLE']))[0] !== 'master') throw new Error('still on a replica');
  }, 20_000);
  expect(await command.get('manual')).toBe('after');
}, 60_000);

test('a client reached through the sentinels follows the master after it is killed, and keeps its subscriptions', async () => {
  const command = sentinelClient();
  const subscriber = sentinelClient();
  await command.connect();
  await subscriber.connect();
  const oldMaster = await setup.currentMaster();
  expect((await command.sendCommand<unknown[]>(['ROLE']))[0]).toBe('master');
  await command.set('before', '1');
  // Replication is asynchronous: the write must have reached the replica for the promoted one to
  // hold it (after the previous test's failover, Sentinel turns the old master into a replica
  // within its INFO period).
  await eventually(async () => {
    if ((await command.sendCommand(['WAIT', '1', '1000'])) !== 1) throw new Error('no replica has the write yet');
  }, 30_000);
  const followed: FailoverFollowed[] = [];
  command.on(FAILOVER_FOLLOWED, (detail: FailoverFollowed) => followed.push(detail));
  const received: string[] = [];
  await subscriber.subscribe('news', (message) => {
    received.push(message);
  });

  expect(await setup.killMaster()).toBe(oldMaster);
  const newMaster = await setup.waitForPromotion(oldMaster);
  expect(newMaster).not.toBe(oldMaster);

  // Writes succeed again once the client is on the promoted replica, which has what was replicated.
  await eventually(() => command.set('after', '2'), 20_000);
  expect(await command.get('before')).toBe('1');
  expect((await command.sendCommand<unknown[]>(['ROLE']))[0]).toBe('master');
  const publisher = sentinelClient();
  await publisher.connect();
  await eventually(async () => {
    await publisher.publish('news', 'after failover');
    if (!received.includes('after failover')) throw new Error('the subscriber has not re-subscribed on the new master yet');
  }, 20_000);
  // The process hears of it, so its room counters are re-seeded before their next use.
  expect(followed).toEqual([{ from: [`127.0.0.1:${oldMaster}`], to: [`127.0.0.1:${newMaster}`], resubscribed: 0 }]);
}, 60_000);

test('a first connect with no sentinel answering fails with a message naming REDIS_SENTINELS', async () => {
  const client = createSentinelRedisClient({ mode: 'sentinel', sentinels: [{ host: '127.0.0.1', port: 1 }], masterName: 'nobody' });
  client.on('error', () => undefined);
  await expect(client.connect()).rejects.toThrow(/REDIS_SENTINELS: no sentinel named the master/);
});
