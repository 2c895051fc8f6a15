import { createClient } from 'redis';
import { type BinaryLocator, findSentinelBinary, pathLocator, startRedisSentinel } from '../src';

/** A machine with redis-server but without Debian's redis-sentinel package (a fresh CI machine). */
const withoutSentinelPackage: BinaryLocator = {
  find: (name) => (name === 'redis-sentinel' ? undefined : pathLocator().find(name)),
};

test('without the redis-sentinel package, redis-server runs the sentinels and they name the master', async () => {
  expect(findSentinelBinary(withoutSentinelPackage)).toBe(pathLocator().find('redis-server'));
  const setup = await startRedisSentinel({ locator: withoutSentinelPackage });
  try {
    const client = createClient({ socket: { host: '127.0.0.1', port: setup.sentinels[0]?.port } });
    await client.connect();
    try {
      expect(String(await client.sendCommand(['INFO', 'server']))).toContain('redis_mode:sentinel');
    } finally {
      await client.disconnect();
    }
    expect(await setup.currentMaster()).toBe(setup.servers[0]?.port);
  } finally {
    await setup.stop();
  }
});
