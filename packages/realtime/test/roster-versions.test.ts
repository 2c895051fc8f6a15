import { RosterVersions } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
let versions: RosterVersions;
beforeAll(async () => {
  rt = await openRealtime();
  versions = new RosterVersions(rt.keys, rt.client);
});
afterAll(() => rt.close());

test('readers at once get one token, which stands until a change', async () => {
  const [a, b, c] = await Promise.all([versions.current('r1'), versions.current('r1'), versions.current('r1')]);
  expect(new Set([a, b, c]).size).toBe(1);
  expect(await versions.current('r1')).toBe(a);
  expect(await rt.client.pTTL(rt.keys.rosterVersion('r1'))).toBeGreaterThan(0);
  // Another room's change leaves this one's token alone.
  await versions.changed('r2');
  expect(await versions.current('r1')).toBe(a);
});

test('a change, or a lost key, gives the next reader a token no reader held before', async () => {
  const seen = new Set([await versions.current('r3')]);
  await versions.changed('r3');
  const afterChange = await versions.current('r3');
  expect(seen.has(afterChange)).toBe(false);
  seen.add(afterChange);
  // What a Redis restart, an eviction or the key's lapse leaves.
  await rt.client.del(rt.keys.rosterVersion('r3'));
  expect(seen.has(await versions.current('r3'))).toBe(false);
});
