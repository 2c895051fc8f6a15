import { StatusFloors } from '../src';
import { openRealtime } from './realtime-fixture';

let rt: Awaited<ReturnType<typeof openRealtime>>;
let floors: StatusFloors;
beforeAll(async () => {
  rt = await openRealtime();
  floors = new StatusFloors(rt.lua, rt.keys, rt.client);
});
afterAll(() => rt.close());

test('a room without rollups has both floors at 0', async () => {
  expect(await floors.get('quiet')).toEqual({ DELIVERED: 0, READ: 0 });
});

test('floors only rise, whichever rollup finishes last', async () => {
  expect(await floors.raise('room', { DELIVERED: 10, READ: 4 })).toBe(2);
  expect(await floors.raise('room', { DELIVERED: 8, READ: 6 })).toBe(1);
  expect(await floors.get('room')).toEqual({ DELIVERED: 10, READ: 6 });
});
