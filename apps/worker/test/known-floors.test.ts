import type { StatusFloorRepository, StatusFloors, Store } from '@campzone/store';
import { uniqueNamespace } from '@campzone/testkit';
import { KnownFloors } from '../src/rollup/known-floors';
import { type FileServices, openFileServices } from './harness/services';

// The worker's memory of the floors it read or wrote: it saves reads and writes that change
// nothing, and is never above the store, so a restart or a second worker costs a read, never a
// status skipped.

let services: FileServices;
let store: Store;
beforeAll(async () => {
  services = await openFileServices(uniqueNamespace(__filename));
  ({ store } = services);
});
afterAll(() => services.close());

/** The real repository, with its reads and writes counted. */
function counted() {
  const calls = { get: 0, raise: 0 };
  const floors: Pick<StatusFloorRepository, 'get' | 'raise'> = {
    get: (roomId) => {
      calls.get += 1;
      return store.statusFloors.get(roomId);
    },
    raise: (roomId, rises: Partial<StatusFloors>) => {
      calls.raise += 1;
      return store.statusFloors.raise(roomId, rises);
    },
  };
  return { floors, calls };
}

test('a room is read once; floors that do not rise are not written; both rise in one write', async () => {
  const { floors, calls } = counted();
  const known = new KnownFloors(floors);
  expect(await known.get('kf-busy')).toEqual({ DELIVERED: 0, READ: 0 });
  await known.raise('kf-busy', { DELIVERED: 4 });
  expect(await known.get('kf-busy')).toEqual({ DELIVERED: 4, READ: 0 });
  await known.raise('kf-busy', { DELIVERED: 4, READ: 0 });
  await known.raise('kf-busy', { DELIVERED: 6, READ: 2 });
  expect(calls).toEqual({ get: 1, raise: 2 });
  expect(await store.statusFloors.get('kf-busy')).toEqual({ DELIVERED: 6, READ: 2 });
});

test('after a restart, or a raise by another worker, the store is read again and nothing goes down', async () => {
  const first = new KnownFloors(store.statusFloors);
  await first.get('kf-shared');
  await first.raise('kf-shared', { DELIVERED: 3 });
  // Another worker raises past what the first remembers: the first's lower raise changes nothing.
  await new KnownFloors(store.statusFloors).raise('kf-shared', { DELIVERED: 9, READ: 5 });
  await first.raise('kf-shared', { DELIVERED: 5 });
  expect(await store.statusFloors.get('kf-shared')).toEqual({ DELIVERED: 9, READ: 5 });
  // A new process knows nothing: it reads the store.
  const { floors, calls } = counted();
  expect(await new KnownFloors(floors).get('kf-shared')).toEqual({ DELIVERED: 9, READ: 5 });
  expect(calls.get).toBe(1);
});

test('a failed raise is not remembered, and the least recently used room is forgotten past the bound', async () => {
  const { floors, calls } = counted();
  let failing = true;
  const flaky: Pick<StatusFloorRepository, 'get' | 'raise'> = {
    get: floors.get,
    raise: (roomId, rises) => (failing ? Promise.reject(new Error('store down')) : floors.raise(roomId, rises)),
  };
  const known = new KnownFloors(flaky, 2);
  await known.get('kf-a');
  await expect(known.raise('kf-a', { DELIVERED: 2 })).rejects.toThrow('store down');
  failing = false;
  await known.raise('kf-a', { DELIVERED: 2 });
  expect(calls.raise).toBe(1);
  expect(await known.get('kf-a')).toEqual({ DELIVERED: 2, READ: 0 });
  await known.get('kf-b');
  await known.get('kf-c'); // kf-a is the least recently used of three: forgotten
  const reads = calls.get;
  await known.get('kf-c');
  await known.get('kf-a');
  expect(calls.get).toBe(reads + 1);
});
