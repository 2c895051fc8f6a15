import { ensureIndexes, type MessageDoc, MessageWriter, ObjectId } from '@campzone/store';
import { MongoClient } from 'mongodb';
import { LatencyHistogram, type LatencySummary } from '../stats/latency-histogram';

export interface InsertRateResult {
  /** Writes waiting at once (like sends in flight across a gateway). */
  concurrency: number;
  maxBatch: number;
  windowMs: number;
  windowMinRate: number;
  maxInFlight: number;
  docsPerSec: number;
  meanBatch: number;
  batchMs: LatencySummary;
}

/**
 * The MongoDB-wire server's own insert rate through the gateway's MessageWriter, with the same
 * batching settings, and nothing else running: the ceiling the store puts on the cluster.
 */
export async function measureInsertRate(options: {
  mongoUrl: string;
  db: string;
  concurrency: number;
  maxBatch: number;
  windowMs: number;
  windowMinRate: number;
  maxInFlight: number;
  durationMs: number;
  rooms?: number;
}): Promise<InsertRateResult> {
  const client = await MongoClient.connect(options.mongoUrl, { maxPoolSize: 20 });
  try {
    const db = client.db(options.db);
    await ensureIndexes(db);
    const batches = new LatencyHistogram();
    let batchDocs = 0;
    const writer = new MessageWriter(db.collection<MessageDoc>('messages'), {
      maxBatch: options.maxBatch,
      windowMs: options.windowMs,
      windowMinRate: options.windowMinRate,
      maxInFlight: options.maxInFlight,
      onBatch: ({ size, durationMs }) => {
        batches.record(durationMs);
        batchDocs += size;
      },
    });
    const rooms = options.rooms ?? 10;
    const seqs = new Array<number>(rooms).fill(0);
    const tag = new ObjectId().toHexString().slice(-8);
    let written = 0;
    const started = performance.now();
    const until = started + options.durationMs;
    const lane = async (lane: number) => {
      while (performance.now() < until) {
        const room = (lane + written) % rooms;
        const seq = ++seqs[room]!;
        await writer.write({
          _id: new ObjectId(),
          roomId: `ins${tag}r${room}`,
          senderId: `ins${tag}s${lane}`,
          content: `t=0;${'x'.repeat(96)}`,
          lamportTimestamp: seq,
          seq,
          idempotencyKey: `k${lane}-${seq}-${room}`,
          status: 'PENDING',
          messageType: 'text',
          createdAt: new Date(),
        });
        written += 1;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, i) => lane(i)));
    await writer.flush();
    const seconds = (performance.now() - started) / 1000;
    return {
      concurrency: options.concurrency,
      maxBatch: options.maxBatch,
      windowMs: options.windowMs,
      windowMinRate: options.windowMinRate,
      maxInFlight: options.maxInFlight,
      docsPerSec: Math.round(written / seconds),
      meanBatch: batches.count === 0 ? 0 : Math.round((batchDocs / batches.count) * 10) / 10,
      batchMs: batches.summary(),
    };
  } finally {
    await client.close();
  }
}

/** One `sync`-shaped query (room filter, seq range, sorted, limited) against a collection of `docs` messages. */
export async function measureSyncQuery(options: {
  mongoUrl: string;
  db: string;
}): Promise<{ docs: number; ms: number; pushdown: boolean }> {
  const client = await MongoClient.connect(options.mongoUrl);
  try {
    const messages = client.db(options.db).collection('messages');
    const docs = await messages.estimatedDocumentCount();
    const query = () =>
      messages
        .find({ roomId: 'absent-room', seq: { $gt: 0 } })
        .sort({ seq: 1 })
        .limit(501);
    const started = performance.now();
    await query().toArray();
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const plan = (await query().explain()) as { filterPushdown?: unknown };
    // FerretDB reports whether the filter reached SQLite; MongoDB answers with an index plan instead.
    return { docs, ms, pushdown: plan.filterPushdown !== false };
  } finally {
    await client.close();
  }
}
