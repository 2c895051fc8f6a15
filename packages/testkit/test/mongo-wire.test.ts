import { existsSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { startMongoWire, uniqueNamespace } from '../src';

describe('startMongoWire', () => {
  it('keeps port and documents across a halt and restart, as chaos tests need', async () => {
    const server = await startMongoWire();
    const namespace = uniqueNamespace('mongo-wire');
    try {
      const writer = new MongoClient(server.url);
      await writer.db(namespace.db).collection('messages').insertOne({ seq: 1 });
      await writer.close();

      const port = server.port;
      await server.halt();
      await server.restart();
      expect(server.port).toBe(port);

      const reader = new MongoClient(server.url);
      try {
        const found = await reader
          .db(namespace.db)
          .collection('messages')
          .find({}, { projection: { _id: 0 } })
          .toArray();
        expect(found).toEqual([{ seq: 1 }]);
      } finally {
        await reader.close();
      }
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false);
  });
});
