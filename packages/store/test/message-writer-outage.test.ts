import { startTcpProxy } from '@campzone/testkit';
import { MongoClient } from 'mongodb';
import { type MessageDoc, MessageWriter, ObjectId } from '../src';

const message = (seq: number, roomId = 'outage-room'): MessageDoc => ({
  _id: new ObjectId(),
  roomId,
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
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  const client = await MongoClient.connect(proxy.mongoUrl, { serverSelectionTimeoutMS: 1000, socketTimeoutMS: 2000 });
  try {
    const messages = client.db(`store_outage_${Date.now()}`).collection<MessageDoc>('messages');
    const writer = new MessageWriter(messages, { maxBatch: 100, windowMs: 5, maxInFlight: 4 });
    await expect(writer.write(message(1))).resolves.toBe('inserted');
    await proxy.cut();
    // A lone write (one insert) and a batch of two (insertMany) alike.
    await expect(writer.write(message(2))).rejects.toThrow();
    const outcomes = await Promise.allSettled([writer.write(message(3)), writer.write(message(4))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  } finally {
    await client.close(true);
  }
}, 20_000);

test('while the store hangs, writes beyond the bound are refused at once and never stored', async () => {
  const target = new URL(process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017');
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  const client = await MongoClient.connect(proxy.mongoUrl, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 60_000 });
  const direct = await MongoClient.connect(target.href);
  const dbName = `store_bound_${Date.now()}`;
  try {
    const writer = new MessageWriter(client.db(dbName).collection<MessageDoc>('messages'), {
      maxBatch: 2,
      windowMs: 0,
      maxInFlight: 1,
      maxPending: 5,
    });
    await expect(writer.write(message(1, 'bound-room'))).resolves.toBe('inserted');
    proxy.hold();
    // Five fit: one batch of two on the wire (hung), three waiting behind it.
    const accepted = [2, 3, 4, 5, 6].map((seq) => writer.write(message(seq, 'bound-room')));
    let settledEarly = 0;
    for (const p of accepted) {
      p.then(
        () => settledEarly++,
        () => settledEarly++,
      );
    }
    const answers = [7, 8, 9].map((seq) =>
      writer.write(message(seq, 'bound-room')).then(
        () => 'accepted',
        (err: unknown) => String(err),
      ),
    );
    // A bound on how long the answers may take, not a wait for them: without a bound they hang.
    let timer: NodeJS.Timeout | undefined;
    const stillWaiting = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve(['still waiting for the store']), 2000);
    });
    const refused = await Promise.race([Promise.all(answers), stillWaiting]).finally(() => clearTimeout(timer));
    expect(refused).toEqual(Array(3).fill(expect.stringMatching(/store overloaded/)));
    // Refused while the accepted ones still hang: the refusal did not wait for the store.
    expect(settledEarly).toBe(0);

    proxy.release();
    expect(await Promise.all(accepted)).toEqual(Array(5).fill('inserted'));
    // Room again once the store answers.
    await expect(writer.write(message(10, 'bound-room'))).resolves.toBe('inserted');
    const stored = await direct.db(dbName).collection<MessageDoc>('messages').find({ roomId: 'bound-room' }).toArray();
    expect(stored.map((m) => m.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 10]);
  } finally {
    proxy.release();
    await direct.db(dbName).dropDatabase();
    await Promise.all([client.close(true), direct.close()]);
    await proxy.cut();
  }
}, 30_000);
