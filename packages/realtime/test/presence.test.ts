import { Presence } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
let presence: Presence;
beforeAll(async () => {
  rt = await openRealtime();
  presence = new Presence(rt.lua, rt.keys, rt.client);
});
afterAll(() => rt.close());

test('a user with sockets on two pods stays online until both close', async () => {
  expect(await presence.connect('pod-a', 'ann')).toBe(1);
  expect(await presence.connect('pod-b', 'ann')).toBe(2);
  expect(await presence.disconnect('pod-a', 'ann')).toBe(1);
  expect(await presence.onlineUsers(['ann', 'nobody'])).toEqual(new Set(['ann']));
  expect(await presence.disconnect('pod-b', 'ann')).toBe(0);
  expect(await presence.onlineUsers(['ann'])).toEqual(new Set());
});

test('a pod whose lease lapsed is swept once, taking offline only users with no socket elsewhere', async () => {
  await presence.heartbeat('pod-dead', 50);
  await presence.heartbeat('pod-live', 60_000);
  await presence.connect('pod-dead', 'solo');
  await presence.connect('pod-dead', 'both');
  await presence.connect('pod-live', 'both');
  await new Promise((r) => setTimeout(r, 80)); // let the 50 ms lease lapse on Redis's clock
  const [first, second] = await Promise.all([presence.sweep(), presence.sweep()]);
  const claimed = [...(first ?? []), ...(second ?? [])];
  expect(claimed).toEqual([{ podId: 'pod-dead', wentOffline: ['solo'] }]);
  expect(await presence.onlineUsers(['solo', 'both'])).toEqual(new Set(['both']));
  expect(await presence.disconnect('pod-dead', 'both')).toBe(-1);
});

test('a pod claims its own previous life at start', async () => {
  await presence.heartbeat('pod-reborn', 60_000);
  await presence.connect('pod-reborn', 'ghost');
  expect(await presence.sweep('pod-reborn')).toEqual([{ podId: 'pod-reborn', wentOffline: ['ghost'] }]);
});
