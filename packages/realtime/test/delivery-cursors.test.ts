import { DeliveryCursors, MessageCounters } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
let cursors: DeliveryCursors;
beforeAll(async () => {
  rt = await openRealtime();
  cursors = new DeliveryCursors(rt.lua, rt.keys, rt.client);
  await new MessageCounters(rt.lua, rt.keys).seed('room', 10, 10);
});
afterAll(() => rt.close());

test('a cursor only moves forward, whatever order acks arrive in', async () => {
  expect(await cursors.advance('room', 'ann', 5)).toBe(5);
  expect(await cursors.advance('room', 'ann', 3)).toBe(5);
  expect(await cursors.advance('room', 'ben', 2)).toBe(2);
  expect(await cursors.all('room')).toEqual(
    new Map([
      ['ann', 5],
      ['ben', 2],
    ]),
  );
});

test('a cursor cannot pass the last seq the room has handed out', async () => {
  expect(await cursors.advance('room', 'cat', 999)).toBe(10);
});

test('a room nobody acked in has no cursors', async () => {
  expect(await cursors.all('silent')).toEqual(new Map());
});
