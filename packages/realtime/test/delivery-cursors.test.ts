import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { DeliveryCursors, LuaRunner, type RedisClient, RedisKeys } from '../src';

const prefix = `t${randomBytes(4).toString('hex')}`;
let client: RedisClient;
let cursors: DeliveryCursors;

beforeAll(async () => {
  client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  await client.connect();
  cursors = new DeliveryCursors(new LuaRunner(client), new RedisKeys(prefix), client);
});
afterAll(async () => {
  const leftovers = await client.keys(`${prefix}:*`);
  if (leftovers.length > 0) await client.del(leftovers);
  await client.quit();
});

test('a cursor only moves forward, whatever order acks arrive in', async () => {
  expect(await cursors.advance('room', 'ann', 5)).toBe(true);
  expect(await cursors.advance('room', 'ann', 3)).toBe(false);
  expect(await cursors.advance('room', 'ann', 5)).toBe(false);
  expect(await cursors.advance('room', 'ben', 2)).toBe(true);
  expect(await cursors.all('room')).toEqual(
    new Map([
      ['ann', 5],
      ['ben', 2],
    ]),
  );
});

test('a room nobody acked in has no cursors', async () => {
  expect(await cursors.all('silent')).toEqual(new Map());
});
