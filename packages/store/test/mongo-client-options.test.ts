import { createMongoClient } from '../src';

const limits = { socketTimeoutMS: 1000, waitQueueTimeoutMS: 1000 };

test("the apps' client writes with w: majority and reads from the primary unless told otherwise", async () => {
  const client = createMongoClient('mongodb://127.0.0.1:1', limits);
  expect(client.options.writeConcern?.w).toBe('majority');
  expect(client.options.readPreference.mode).toBe('primary');
  expect(client.options.monitorCommands).toBe(true);
  await client.close();
});

test('MONGO_WRITE_CONCERN and MONGO_READ_PREFERENCE reach the client, and command monitoring is always on', async () => {
  const client = createMongoClient('mongodb://127.0.0.1:1', {
    ...limits,
    writeConcern: 1,
    readPreference: 'nearest',
  });
  expect(client.options.writeConcern?.w).toBe(1);
  expect(client.options.readPreference.mode).toBe('nearest');
  expect(client.options.monitorCommands).toBe(true);
  await client.close();
});
