import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { rollupJobOptions, threadSummaryJobOptions, trackJobOptions, webhookDispatchJobOptions } from './job-policies';
import {
  type DeliveryTrackJob,
  MAX_MESSAGES_PER_JOB,
  type RollupJob,
  type ThreadSummaryJob,
  type TrackedMessage,
  type WebhookDispatchJob,
} from './job-schemas';
import { connectionOptions, type QueueSettings } from './queue-connection';
import { JobName, QueueName } from './queue-names';

/** The producer side the gateway calls. Both calls return at once and never throw. */
export interface QueueProducers {
  /** A message was stored and broadcast; track its delivery. Never throws; never blocks the caller on Redis. */
  trackDelivery(message: TrackedMessage): void;
  /** Cursors moved in this room (acks or reads); coalesced per room. Never throws. */
  requestRollup(roomId: string): void;
  /** A reply was stored or deleted in this thread; its root's summary is recomputed, coalesced per root. Never throws. */
  requestThreadSummary(roomId: string, rootId: string): void;
  /**
   * Webhook events were stored in the outbox: the worker dispatches them now rather than at its
   * next scheduled pass (which still finds them if this request is lost). Never throws.
   */
  requestWebhookDispatch(): void;
  /** Enqueues what is still buffered, waits for it, and closes the queues' connections. */
  close(): Promise<void>;
}

/** The part of a pino logger the producers use (a pino Logger fits). */
export interface QueueLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface FlushStats {
  tracked: number;
  rollups: number;
  durationMs: number;
  failed: boolean;
}

export interface QueueProducerOptions extends QueueSettings {
  logger?: QueueLogger;
  /**
   * ROLLUP_DELAY_MS: a rollup waits this long so the cursor moves of that time share one job.
   * A room's requests are enqueued at most every half of it (or every `batchWindowMs`, if
   * longer): while its job waits, a repeat is only deduplicated, yet costs a script call.
   */
  rollupDelayMs?: number;
  /**
   * How long a tracked message may wait for company before its batch is enqueued. Default
   * 200 ms: its first check is a second away anyway, and every batch costs the worker two jobs
   * and the store one insert, so at 300 msg/s over 3 pods a 20 ms window made ~150 small ones a
   * second.
   */
  batchWindowMs?: number;
  /** Messages per `track` job (at most MAX_MESSAGES_PER_JOB). Default 500. */
  maxBatch?: number;
  /** Messages buffered while Redis is slow or away; beyond it new ones are dropped (and counted). Default 50 000. */
  maxPending?: number;
  /** Enqueue round trips at once; more waiting work stays buffered. Default 4. */
  maxInFlight?: number;
  /** Called after every enqueue round trip (for metrics). */
  onFlush?: (stats: FlushStats) => void;
  /** Called when messages or rollup requests are given up (buffer full, or Redis refused them). */
  onDropped?: (what: 'track' | 'rollup', count: number) => void;
}

/**
 * Producers that keep the send path free of BullMQ round trips: calls only buffer, and every
 * window one `addBulk` per queue carries everything buffered (a `track` job per up to
 * `maxBatch` messages across rooms, and one deduplicated rollup per room that moved).
 */
export function createQueueProducers(options: QueueProducerOptions): QueueProducers {
  return new BufferedQueueProducers(options);
}

class BufferedQueueProducers implements QueueProducers {
  private readonly delivery: Queue<DeliveryTrackJob>;
  private readonly rollup: Queue<RollupJob | ThreadSummaryJob>;
  private readonly webhooks: Queue<WebhookDispatchJob>;
  private readonly producerId = randomBytes(6).toString('hex');
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private readonly maxInFlight: number;
  private readonly rollupDelayMs: number;
  private readonly rollupWindowMs: number;
  /** When rollup and thread requests may next be enqueued (performance.now()). */
  private nextRollupsAt = 0;
  private messages: TrackedMessage[] = [];
  private rooms = new Set<string>();
  /** `roomId rootId` of threads whose summary is due. */
  private threads = new Set<string>();
  private dispatchDue = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private batchSeq = 0;
  private closed = false;
  private lastDropWarning = 0;

  constructor(private readonly options: QueueProducerOptions) {
    const opts = { connection: connectionOptions(options.connection), prefix: options.prefix };
    this.delivery = new Queue<DeliveryTrackJob>(QueueName.delivery, opts);
    this.rollup = new Queue<RollupJob | ThreadSummaryJob>(QueueName.rollup, opts);
    this.webhooks = new Queue<WebhookDispatchJob>(QueueName.webhooks, opts);
    for (const queue of [this.delivery, this.rollup, this.webhooks]) {
      // An 'error' event without a listener would throw; ioredis reconnects by itself.
      queue.on('error', (err: Error) => options.logger?.warn({ queue: queue.name, err: err.message }, 'queue connection error'));
    }
    this.windowMs = options.batchWindowMs ?? 200;
    this.maxBatch = Math.min(Math.max(1, options.maxBatch ?? 500), MAX_MESSAGES_PER_JOB);
    this.maxPending = options.maxPending ?? 50_000;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 4);
    this.rollupDelayMs = options.rollupDelayMs ?? 200;
    this.rollupWindowMs = Math.max(this.windowMs, this.rollupDelayMs / 2);
  }

  trackDelivery(message: TrackedMessage): void {
    try {
      if (this.closed || this.messages.length >= this.maxPending) {
        this.dropped('track', 1, this.closed ? 'producer closed' : 'buffer full');
        return;
      }
      // Only the schema's fields: callers may hand over a richer object.
      this.messages.push({ messageId: message.messageId, roomId: message.roomId, seq: message.seq, senderId: message.senderId });
      this.schedule(this.messages.length >= this.maxBatch);
    } catch (err) {
      this.options.logger?.error({ err }, 'trackDelivery failed');
    }
  }

  requestRollup(roomId: string): void {
    try {
      if (this.closed) {
        this.dropped('rollup', 1, 'producer closed');
        return;
      }
      this.rooms.add(roomId);
      this.schedule(false);
    } catch (err) {
      this.options.logger?.error({ err }, 'requestRollup failed');
    }
  }

  requestThreadSummary(roomId: string, rootId: string): void {
    try {
      if (this.closed) {
        this.dropped('rollup', 1, 'producer closed');
        return;
      }
      this.threads.add(`${roomId} ${rootId}`);
      this.schedule(false);
    } catch (err) {
      this.options.logger?.error({ err }, 'requestThreadSummary failed');
    }
  }

  requestWebhookDispatch(): void {
    if (this.closed) return; // the worker's scheduled pass finds the events
    this.dispatchDue = true;
    this.schedule(false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.messages.length > 0 || this.rooms.size > 0 || this.threads.size > 0 || this.dispatchDue || this.inFlight.size > 0) {
      this.flush(true);
      await Promise.allSettled([...this.inFlight]);
    }
    await Promise.allSettled([this.delivery.close(), this.rollup.close(), this.webhooks.close()]);
  }

  private schedule(now: boolean): void {
    if (now) {
      if (this.timer) clearTimeout(this.timer);
      // Next turn of the event loop, not in the caller's stack.
      this.timer = setTimeout(() => this.flush(false), 0);
    } else {
      this.timer ??= setTimeout(() => this.flush(false), this.windowMs);
    }
  }

  private flush(closing: boolean): void {
    this.timer = undefined;
    if (!closing && this.inFlight.size >= this.maxInFlight) return; // a finishing round trip reschedules
    const started = performance.now();
    const rollupsDue = closing || started >= this.nextRollupsAt;
    const messages = this.messages;
    const rooms = rollupsDue ? [...this.rooms] : [];
    const threads = rollupsDue ? [...this.threads] : [];
    this.messages = [];
    if (rollupsDue) {
      this.rooms = new Set();
      this.threads = new Set();
    }
    const dispatch = this.dispatchDue;
    this.dispatchDue = false;
    if (messages.length === 0 && rooms.length === 0 && threads.length === 0 && !dispatch) {
      // Only requests that are not due yet wait: come back when they are.
      if (this.rooms.size > 0 || this.threads.size > 0)
        this.timer ??= setTimeout(() => this.flush(false), Math.min(this.windowMs, this.nextRollupsAt - started));
      return;
    }
    if (rooms.length > 0 || threads.length > 0) this.nextRollupsAt = started + this.rollupWindowMs;

    const batches: Array<{ name: typeof JobName.deliveryTrack; data: DeliveryTrackJob; opts: ReturnType<typeof trackJobOptions> }> = [];
    for (let i = 0; i < messages.length; i += this.maxBatch) {
      const batchId = `${this.producerId}-${++this.batchSeq}`;
      batches.push({
        name: JobName.deliveryTrack,
        data: { batchId, messages: messages.slice(i, i + this.maxBatch) },
        opts: trackJobOptions(batchId),
      });
    }
    const adds: Promise<unknown>[] = [];
    if (batches.length > 0) {
      adds.push(
        this.delivery.addBulk(batches).catch((err: unknown) => {
          this.dropped('track', messages.length, errorText(err));
          throw err;
        }),
      );
    }
    if (rooms.length > 0 || threads.length > 0) {
      const jobs = [
        ...rooms.map((roomId) => ({ name: JobName.rollup, data: { roomId }, opts: rollupJobOptions(roomId, this.rollupDelayMs) })),
        ...threads.map((key) => {
          const [roomId = '', rootId = ''] = key.split(' ');
          return {
            name: JobName.threadSummary,
            data: { roomId, rootId },
            opts: threadSummaryJobOptions(roomId, rootId, this.rollupDelayMs),
          };
        }),
      ];
      adds.push(
        this.rollup.addBulk(jobs).catch((err: unknown) => {
          this.dropped('rollup', jobs.length, errorText(err));
          throw err;
        }),
      );
    }
    if (dispatch) {
      adds.push(
        this.webhooks.add(JobName.webhookDispatch, {}, webhookDispatchJobOptions).catch((err: unknown) => {
          this.options.logger?.warn(
            { queue: QueueName.webhooks, err: errorText(err) },
            'webhook dispatch request dropped (the scheduled pass finds the events)',
          );
          throw err;
        }),
      );
    }
    const run = Promise.allSettled(adds).then((results) => {
      this.inFlight.delete(run);
      this.options.onFlush?.({
        tracked: messages.length,
        rollups: rooms.length,
        durationMs: performance.now() - started,
        failed: results.some((r) => r.status === 'rejected'),
      });
      if (!this.closed && (this.messages.length > 0 || this.rooms.size > 0 || this.threads.size > 0 || this.dispatchDue))
        this.schedule(this.messages.length >= this.maxBatch);
    });
    this.inFlight.add(run);
  }

  private dropped(what: 'track' | 'rollup', count: number, reason: string): void {
    this.options.onDropped?.(what, count);
    // At most one line a second: a Redis outage at message rate must not flood the log.
    const now = Date.now();
    if (now - this.lastDropWarning < 1000) return;
    this.lastDropWarning = now;
    this.options.logger?.warn(
      { queue: what === 'track' ? QueueName.delivery : QueueName.rollup, count, reason },
      what === 'track' ? 'delivery tracking dropped (messages are stored; sync still delivers them)' : 'rollup requests dropped',
    );
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
