import { connect, createServer, type Server, type Socket } from 'node:net';
import { MongoClient } from 'mongodb';
import { type MessageDoc, MessageWriter, ObjectId } from '../src';

/**
 * A TCP proxy in front of the real MongoDB-wire server that can be cut, so the driver loses
 * its server mid-run the way it does when mongod or FerretDB stops, or held: it stops
 * forwarding without closing anything, the way a hung server or a partition looks.
 */
async function startProxy(target: URL): Promise<{ url: string; cut(): Promise<void>; hold(): void; release(): void }> {
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let holding = false;
  const relay = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (holding) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    relay(client, upstream);
    relay(upstream, client);
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
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const send of held.splice(0)) send();
    },
  };
}

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

test('while the store hangs, writes beyond the bound are refused at once and never stored', async () => {
  const target = new URL(process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017');
  const proxy = await startProxy(target);
  const client = await MongoClient.connect(proxy.url, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 60_000 });
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
