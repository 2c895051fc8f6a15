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
  const marker = Buffer.from('marker');
  let markerHeard: () => void = () => undefined;
  const markerArrived = new Promise<void>((resolve) => {
    markerHeard = resolve;
  });
  await subscriber.subscribe(
    channel,
    (message) => {
      if (message.equals(marker)) markerHeard();
      else heard.push(message);
    },
    true,
  );
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
    // Redis delivers a channel's messages in publish order: once the marker published after
    // both calls is heard, anything the second call had published would have been heard too.
    await rt.client.publish(channel, marker);
    await withTimeout(markerArrived, 5_000, 'the marker published after both calls');
    expect(heard).toEqual([binary, Buffer.from('second')]);
    expect(await rt.client.pTTL(claim)).toBeGreaterThan(0);
  } finally {
    await subscriber.quit();
  }
});

function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
