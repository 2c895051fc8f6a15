import { TypingState } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
beforeAll(async () => {
  rt = await openRealtime();
});
afterAll(() => rt.close());

test('keystroke-rate refreshes are announced at most once per window', async () => {
  const typing = new TypingState(rt.lua, rt.keys, 30_000, 1000);
  const announced = [];
  for (let i = 0; i < 20; i++) announced.push(await typing.start('room', 'ann'));
  expect(announced.filter(Boolean)).toHaveLength(1);
});

test('stop reports whether the user was typing', async () => {
  const typing = new TypingState(rt.lua, rt.keys, 30_000);
  await typing.start('stop-room', 'ben');
  expect(await typing.stop('stop-room', 'ben')).toBe(true);
  expect(await typing.stop('stop-room', 'ben')).toBe(false);
});

test('a lapsed entry is claimed by exactly one sweep', async () => {
  const typing = new TypingState(rt.lua, rt.keys, 40);
  await typing.start('lapse-room', 'cat');
  await new Promise((r) => setTimeout(r, 60)); // the TTL lapses on Redis's clock
  const [a, b] = await Promise.all([typing.sweep(), typing.sweep()]);
  expect([...a, ...b].filter((e) => e.roomId === 'lapse-room')).toEqual([{ roomId: 'lapse-room', userId: 'cat' }]);
});
