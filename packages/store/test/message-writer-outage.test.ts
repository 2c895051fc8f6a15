import { connect, createServer, type Server, type Socket } from 'node:net';
import { MongoClient } from 'mongodb';
import { type MessageDoc, MessageWriter, ObjectId } from '../src';

/**
 * A TCP proxy in front of the real MongoDB-wire server that can be cut, so the driver loses
 * its server mid-run the way it does when mongod or FerretDB stops.
 */
async function startProxy(target: URL): Promise<{ url: string; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy did not bind');
  return {
    url: `mongodb://127.0.0.1:${address.port}/?directConnection=true`,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

const message = (seq: number): MessageDoc => ({
  _id: new ObjectId(),
  roomId: 'outage-room',
  senderId: 'ann',
  content: `m${seq}`,
  lamportTimestamp: seq,
  seq,
  idempotencyKey: `outage-${seq}-${Date.now()}`,
  status: 'PENDING',
  messageType: 'text',
  createdAt: new Date(),
});

test('when the server goes away, no write is reported as inserted', async () => {
  const target = new URL(process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017');
  const proxy = await startProxy(target);
  const client = await MongoClient.connect(proxy.url, { serverSelectionTimeoutMS: 1000, socketTimeoutMS: 2000 });
  try {
    const messages = client.db(`store_outage_${Date.now()}`).collection<MessageDoc>('messages');
    const writer = new MessageWriter(messages, { maxBatch: 100, windowMs: 5, maxInFlight: 4 });
    await expect(writer.write(message(1))).resolves.toBe('inserted');
    await proxy.cut();
    const outcomes = await Promise.allSettled([writer.write(message(2)), writer.write(message(3))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  } finally {
    await client.close(true);
  }
}, 20_000);
