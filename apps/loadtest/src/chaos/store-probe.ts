import { MongoClient, ObjectId } from 'mongodb';

/** Direct reads of what the cluster stored, for checks that must not trust the gateways. */
export class StoreProbe {
  private constructor(
    private readonly client: MongoClient,
    private readonly dbName: string,
  ) {}

  static async open(mongoUrl: string, dbName: string): Promise<StoreProbe> {
    return new StoreProbe(await MongoClient.connect(mongoUrl, { serverSelectionTimeoutMS: 30_000 }), dbName);
  }

  private get messages() {
    return this.client.db(this.dbName).collection('messages');
  }

  /** Messages only: a seq hole (an allocated seq given up, stored so readers skip it) is none. */
  countInRoom(roomId: string): Promise<number> {
    return this.messages.countDocuments({ roomId, hole: { $exists: false } });
  }

  countAll(): Promise<number> {
    return this.messages.countDocuments({ hole: { $exists: false } });
  }

  /** How many of these message ids are stored. */
  async countStored(messageIds: string[]): Promise<number> {
    let found = 0;
    for (let i = 0; i < messageIds.length; i += 500) {
      const ids = messageIds.slice(i, i + 500).map((id) => new ObjectId(id));
      found += await this.messages.countDocuments({ _id: { $in: ids } });
    }
    return found;
  }

  /**
   * Per room: every seq held by one message only, and Lamport strictly rising with seq (the
   * design's promise that the seed's sort equals sorting by seq).
   */
  async orderingFaults(roomIds: string[]): Promise<{ duplicateSeqs: number; lamportRegressions: number; messages: number }> {
    let duplicateSeqs = 0;
    let lamportRegressions = 0;
    let messages = 0;
    for (const roomId of roomIds) {
      // Holes take part: each carries the Lamport value allocated with its seq.
      const rows = await this.messages.find({ roomId }, { projection: { _id: 0, seq: 1, lamportTimestamp: 1, hole: 1 } }).toArray();
      rows.sort((a, b) => Number(a.seq) - Number(b.seq));
      messages += rows.filter((r) => r.hole !== true).length;
      for (let i = 1; i < rows.length; i++) {
        if (rows[i]!.seq === rows[i - 1]!.seq) duplicateSeqs += 1;
        else if (Number(rows[i]!.lamportTimestamp) <= Number(rows[i - 1]!.lamportTimestamp)) lamportRegressions += 1;
      }
    }
    return { duplicateSeqs, lamportRegressions, messages };
  }

  /** The worker's delivery log entries of one message. */
  queueLog(messageId: string): Promise<Array<Record<string, unknown>>> {
    return this.client
      .db(this.dbName)
      .collection('message_queue_log')
      .find({ messageId: new ObjectId(messageId) })
      .toArray();
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Whether every URL's /readyz answers 200 right now. */
export async function allReady(urls: string[]): Promise<boolean> {
  const answers = await Promise.all(
    urls.map((url) =>
      fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status === 200,
        () => false,
      ),
    ),
  );
  return answers.every(Boolean);
}

/** Sum over the gateways of `campzone_gateway_events_total` for one event (from /metrics). */
export function eventCount(urls: string[], event: string): Promise<number> {
  return counterSum(urls, 'campzone_gateway_events_total', `event="${event}"`);
}

/** Sum over the gateways of one series of a counter, e.g. (`campzone_gateway_rate_limited_total`, `limit="pod_connect"`). */
export async function counterSum(urls: string[], name: string, labels: string): Promise<number> {
  const pattern = new RegExp(`^${name}\\{${labels}\\} (\\d+(?:\\.\\d+)?)`, 'm');
  const counts = await Promise.all(
    urls.map((url) =>
      // Generous: a pod in the middle of a storm (or on a busy machine) answers late.
      fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })
        .then((r) => r.text())
        .then((text) => Number(pattern.exec(text)?.[1] ?? 0))
        .catch(() => 0),
    ),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}
