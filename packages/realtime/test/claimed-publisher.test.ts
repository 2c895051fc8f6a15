import { ClaimedPublisher } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
beforeAll(async () => {
  rt = await openRealtime();
});
afterAll(() => rt.close());

test('a batch is published once per claim key, binary messages byte for byte', async () => {
  const channel = `${rt.keys.prefix}:claimed-channel`;
  const subscriber = rt.client.duplicate();
  await subscriber.connect();
  const heard: Buffer[] = [];
  await subscriber.subscribe(channel, (message) => heard.push(message), true);
  try {
    const publisher = new ClaimedPublisher(rt.lua);
    const binary = Buffer.from([0x93, 0x00, 0xff, 0xc0, 0x0a]);
    const batch = [
      { channel, message: binary },
      { channel, message: 'second' },
    ];
    const claim = `${rt.keys.prefix}:claim:batch-1`;
    expect(await publisher.publishOnce(claim, 60_000, batch)).toBe(true);
    expect(await publisher.publishOnce(claim, 60_000, batch)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual([binary, Buffer.from('second')]);
    expect(await rt.client.pTTL(claim)).toBeGreaterThan(0);
  } finally {
    await subscriber.quit();
  }
});
