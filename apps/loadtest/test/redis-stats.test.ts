import { type RedisServer, startRedisServer } from '@campzone/testkit';
import { createClient } from 'redis';
import { parseRedisInfo, RedisStatsProbe, redisDelta } from '../src/bench/redis-stats';

test('INFO commandstats and stats parse to calls by command and the network byte counters', () => {
  const info = [
    '# Commandstats',
    'cmdstat_set:calls=12,usec=30,usec_per_call=2.50,rejected_calls=0,failed_calls=0',
    'cmdstat_EVALSHA:calls=3,usec=90,usec_per_call=30.00,rejected_calls=0,failed_calls=0',
    '',
    '# Stats',
    'total_net_input_bytes:1234',
    'total_net_output_bytes:5678',
    'instantaneous_ops_per_sec:4',
  ].join('\r\n');
  expect(parseRedisInfo(info)).toEqual({ calls: { set: 12, evalsha: 3 }, netInputBytes: 1234, netOutputBytes: 5678 });
});

test("a delta leaves out the measurement's own INFO calls and counts a first-seen command from zero", () => {
  const before = { calls: { set: 10, info: 4 }, netInputBytes: 100, netOutputBytes: 1000 };
  const after = { calls: { set: 15, info: 6, publish: 7 }, netInputBytes: 250, netOutputBytes: 1800 };
  expect(redisDelta(before, after)).toEqual({ commands: 12, byCommand: { publish: 7, set: 5 }, netInputBytes: 150, netOutputBytes: 800 });
});

describe('against a real redis-server', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());

  test('the probe counts exactly the commands sent between start and stop, and the bytes they moved', async () => {
    const probe = await RedisStatsProbe.open(redis.url);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      await client.set('warm', '1');
      await probe.start();
      for (let i = 0; i < 25; i++) await client.set(`k${i}`, 'x'.repeat(1000));
      for (let i = 0; i < 5; i++) await client.publish('room', 'hello');
      const delta = await probe.stop();
      expect(delta?.byCommand).toEqual({ set: 25, publish: 5 });
      expect(delta?.commands).toBe(30);
      // 25 values of 1,000 bytes went in; the replies (and the second INFO's answer) came out.
      expect(delta?.netInputBytes).toBeGreaterThan(25_000);
      expect(delta?.netOutputBytes).toBeGreaterThan(0);
      expect(await probe.stop()).toBeUndefined();
    } finally {
      await client.quit();
      await probe.close();
    }
  });
});
