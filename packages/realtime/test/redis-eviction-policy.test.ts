import { type RedisServer, startRedisServer } from '@campzone/testkit';
import { createClient } from 'redis';
import { checkEvictionPolicy, type RedisClient } from '../src';

let evicting: RedisServer;

beforeAll(async () => {
  evicting = await startRedisServer({ extraArgs: ['--maxmemory-policy', 'allkeys-lru'] });
}, 30_000);

afterAll(async () => {
  await evicting?.stop();
});

function recorder(): {
  warn(obj: Record<string, unknown>, msg: string): void;
  lines: Array<{ obj: Record<string, unknown>; msg: string }>;
} {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { lines, warn: (obj, msg) => lines.push({ obj, msg }) };
}

async function withClient<T>(url: string, use: (client: RedisClient) => Promise<T>): Promise<T> {
  const client: RedisClient = createClient({ url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.quit();
  }
}

test('a Redis that evicts keys is warned about, naming its policy', async () => {
  const logger = recorder();
  await withClient(evicting.url, (client) => checkEvictionPolicy(client, logger));
  expect(logger.lines).toHaveLength(1);
  expect(logger.lines[0]?.obj).toMatchObject({ maxmemoryPolicy: 'allkeys-lru' });
  expect(logger.lines[0]?.msg).toMatch(/not noeviction/);
});

test('noeviction passes without a word', async () => {
  const logger = recorder();
  await withClient(evicting.url, async (client) => {
    await client.configSet('maxmemory-policy', 'noeviction');
    expect(await checkEvictionPolicy(client, logger)).toEqual([{ server: 'redis', policy: 'noeviction' }]);
  });
  expect(logger.lines).toHaveLength(0);
});

test('a refused CONFIG (managed Redis) is a warning that the policy is unknown, not a failure', async () => {
  const logger = recorder();
  await withClient(evicting.url, async (client) => {
    await client.sendCommand(['ACL', 'SETUSER', 'app', 'on', 'nopass', '~*', '&*', '+@all', '-config']);
    await client.auth({ username: 'app', password: 'x' });
    const [reading] = await checkEvictionPolicy(client, logger);
    expect(reading).toMatchObject({ server: 'redis', unreadable: expect.stringMatching(/NOPERM/) });
  });
  expect(logger.lines[0]?.msg).toMatch(/could not read Redis maxmemory-policy/);
});
