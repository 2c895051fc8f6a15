import type { MessageSent, SendMessage } from '@campzone/protocol';
import { type BackoffPolicy, backoffDelay } from './backoff';
import { ChatClientError, toChatClientError } from './chat-client-error';
import { type OutboxRecord, toSendPayload } from './outbox-record';
import type { OutboxStorage } from './outbox-storage';
import { type Scheduler, Timer } from './scheduler';

export type OutboxEvent =
  | { type: 'queued'; record: OutboxRecord }
  | { type: 'sent'; record: OutboxRecord; sent: MessageSent }
  | { type: 'retrying'; record: OutboxRecord; error: ChatClientError; delayMs: number }
  | { type: 'failed'; record: OutboxRecord; error: ChatClientError };

export interface OutboxOptions {
  /** Sends one payload and resolves with the ack, or rejects with a ChatClientError. */
  transmit(payload: SendMessage): Promise<MessageSent>;
  scheduler: Scheduler;
  /** Failed transmissions (retryable answer or timeout) before giving up. */
  maxAttempts: number;
  retry: BackoffPolicy;
  /** Sends of one room on the wire at once; 1 keeps a user's messages in the order typed. */
  maxInFlightPerRoom: number;
  random?: () => number;
  onEvent?(event: OutboxEvent): void;
  /** Storage failures: the outbox keeps working from memory. */
  onError?(err: unknown): void;
}

interface Waiter {
  resolve(sent: MessageSent): void;
  reject(err: ChatClientError): void;
}

interface Entry {
  record: OutboxRecord;
  inFlight: boolean;
  /** Not transmitted again before this time (backoff). */
  notBefore: number;
  waiters: Waiter[];
}

/** The server remembers idempotency keys for 24 h; a manual retry must stay well inside it. */
export const IDEMPOTENCY_SAFE_MS = 23 * 60 * 60 * 1000;
const FAILED_MEMORY = 200;

/**
 * Sends that are not acknowledged yet. Each is (re)transmitted with the same key until the
 * server acks it (`{ok: true}`), answers a final error, it runs out of attempts, or it expires.
 * Disconnects are not attempts: entries wait for `setOnline(true)` and go out again then.
 * Per room, entries leave in the order they were queued, and one in backoff holds back the
 * ones behind it, so a retried message is not overtaken by a later one.
 */
export class Outbox {
  private readonly rooms = new Map<string, Entry[]>();
  private readonly keys = new Map<string, Entry>();
  private readonly failed = new Map<string, OutboxRecord>();
  private readonly wakeTimer: Timer;
  private online = false;
  private closed = false;
  private storage: OutboxStorage | undefined;
  private saveLoop: Promise<void> = Promise.resolve();
  private saving = false;
  private dirty = false;

  constructor(private readonly options: OutboxOptions) {
    this.wakeTimer = new Timer(options.scheduler);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Unacknowledged records, oldest first per room. */
  pending(): OutboxRecord[] {
    return [...this.rooms.values()].flatMap((list) => list.map((e) => ({ ...e.record })));
  }

  has(idempotencyKey: string): boolean {
    return this.keys.has(idempotencyKey);
  }

  /**
   * Queues a new send; resolves with the ack, rejects when it is given up. Outcomes are also
   * reported through `onEvent`, so the promise is marked handled: ignoring it is not an error.
   */
  enqueue(record: OutboxRecord): Promise<MessageSent> {
    if (this.closed) return Promise.reject(new ChatClientError('UNAVAILABLE', 'client is closed', 'closed', 'send_message'));
    const existing = this.keys.get(record.idempotencyKey);
    const promise = new Promise<MessageSent>((resolve, reject) => {
      const waiter = { resolve, reject };
      if (existing) existing.waiters.push(waiter);
      else this.add({ record: { ...record }, inFlight: false, notBefore: 0, waiters: [waiter] }, false);
    });
    promise.catch(() => undefined);
    if (!existing) {
      this.options.onEvent?.({ type: 'queued', record: { ...record } });
      this.persist();
      this.pump();
    }
    return promise;
  }

  /** Adds records loaded from storage (skipping keys already queued), in their original order. */
  restore(records: readonly OutboxRecord[]): void {
    const fresh = records.filter((r) => !this.keys.has(r.idempotencyKey));
    for (const record of [...fresh].sort((a, b) => a.createdAt - b.createdAt)) {
      this.add({ record: { ...record }, inFlight: false, notBefore: 0, waiters: [] }, true);
      this.options.onEvent?.({ type: 'queued', record: { ...record } });
    }
    if (fresh.length > 0) {
      this.persist();
      this.pump();
    }
  }

  /**
   * From now on keeps the queue in `storage`: loads what it holds (sends a previous session
   * never got acknowledged), merges it with what is queued, and writes the result back.
   */
  async attachStorage(storage: OutboxStorage): Promise<void> {
    this.storage = storage;
    try {
      this.restore(await storage.load());
    } catch (err) {
      this.options.onError?.(err);
    }
    this.persist();
  }

  /**
   * Queues a failed send again with the same key (so it cannot be stored twice), for a
   * "tap to retry". Rejects with NOT_FOUND if the key is not a recent failure.
   */
  retry(idempotencyKey: string, maxAgeMs: number): Promise<MessageSent> {
    const record = this.failed.get(idempotencyKey);
    if (!record) {
      return Promise.reject(new ChatClientError('NOT_FOUND', `no failed send with key ${idempotencyKey}`, 'local', 'send_message'));
    }
    this.failed.delete(idempotencyKey);
    const now = this.options.scheduler.now();
    const expiresAt = Math.min(record.createdAt + IDEMPOTENCY_SAFE_MS, now + maxAgeMs);
    if (expiresAt <= now) {
      return Promise.reject(new ChatClientError('CONFLICT', 'too old to resend safely', 'local', 'send_message'));
    }
    return this.enqueue({ ...record, attempts: 0, expiresAt });
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.pump();
  }

  /** Stops sending; entries stay in storage for the next client. Pending promises reject. */
  close(): void {
    this.closed = true;
    this.online = false;
    this.wakeTimer.clear();
    const err = new ChatClientError('UNAVAILABLE', 'client closed before the send was acknowledged', 'closed', 'send_message');
    for (const entry of this.keys.values()) for (const waiter of entry.waiters.splice(0)) waiter.reject(err);
  }

  /** Resolves once everything queued so far has been written to storage. */
  async flushed(): Promise<void> {
    while (this.saving) await this.saveLoop;
  }

  private add(entry: Entry, byAge: boolean): void {
    const { roomId, idempotencyKey, createdAt } = entry.record;
    let list = this.rooms.get(roomId);
    if (!list) {
      list = [];
      this.rooms.set(roomId, list);
    }
    const at = byAge ? list.findIndex((e) => !e.inFlight && e.record.createdAt > createdAt) : -1;
    if (at < 0) list.push(entry);
    else list.splice(at, 0, entry);
    this.keys.set(idempotencyKey, entry);
  }

  private remove(entry: Entry): void {
    const list = this.rooms.get(entry.record.roomId);
    if (list) {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.rooms.delete(entry.record.roomId);
    }
    this.keys.delete(entry.record.idempotencyKey);
    this.persist();
  }

  /** Transmits whatever may go now, expires what is too old, and arms the timer for the rest. */
  private pump(): void {
    if (this.closed) return;
    const now = this.options.scheduler.now();
    const expired: Entry[] = [];
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const list of this.rooms.values()) {
      let inFlight = 0;
      for (const entry of list) {
        if (entry.inFlight) {
          inFlight += 1;
          continue;
        }
        if (now >= entry.record.expiresAt) {
          expired.push(entry);
          continue;
        }
        wakeAt = Math.min(wakeAt, entry.record.expiresAt);
        if (!this.online || inFlight >= this.options.maxInFlightPerRoom) break;
        if (entry.notBefore > now) {
          wakeAt = Math.min(wakeAt, entry.notBefore);
          break;
        }
        this.transmit(entry);
        inFlight += 1;
      }
    }
    for (const entry of expired) {
      this.fail(entry, new ChatClientError('UNAVAILABLE', 'not acknowledged before it expired', 'timeout', 'send_message'));
    }
    if (wakeAt === Number.POSITIVE_INFINITY) this.wakeTimer.clear();
    else this.wakeTimer.set(wakeAt - now, () => this.pump());
  }

  private transmit(entry: Entry): void {
    entry.inFlight = true;
    this.options.transmit(toSendPayload(entry.record)).then(
      (sent) => this.settled(entry, sent),
      (err: unknown) => this.rejected(entry, toChatClientError(err, 'local', 'send_message')),
    );
  }

  private settled(entry: Entry, sent: MessageSent): void {
    entry.inFlight = false;
    if (this.keys.get(entry.record.idempotencyKey) !== entry) return;
    this.remove(entry);
    this.options.onEvent?.({ type: 'sent', record: { ...entry.record }, sent });
    for (const waiter of entry.waiters.splice(0)) waiter.resolve(sent);
    this.pump();
  }

  private rejected(entry: Entry, error: ChatClientError): void {
    entry.inFlight = false;
    if (this.closed || this.keys.get(entry.record.idempotencyKey) !== entry) return;
    if (!error.retryable) {
      this.fail(entry, error);
    } else if (error.source === 'disconnected' || error.source === 'closed') {
      // Not the message's fault: it goes out again as soon as we are back online.
      entry.notBefore = 0;
    } else {
      entry.record.attempts += 1;
      if (entry.record.attempts >= this.options.maxAttempts) {
        this.fail(entry, error);
      } else {
        const delayMs = error.retryAfterMs ?? backoffDelay(entry.record.attempts, this.options.retry, this.options.random);
        entry.notBefore = this.options.scheduler.now() + delayMs;
        this.persist();
        this.options.onEvent?.({ type: 'retrying', record: { ...entry.record }, error, delayMs });
      }
    }
    this.pump();
  }

  private fail(entry: Entry, error: ChatClientError): void {
    this.remove(entry);
    this.failed.set(entry.record.idempotencyKey, { ...entry.record });
    if (this.failed.size > FAILED_MEMORY) {
      const oldest = this.failed.keys().next();
      if (!oldest.done) this.failed.delete(oldest.value);
    }
    this.options.onEvent?.({ type: 'failed', record: { ...entry.record }, error });
    for (const waiter of entry.waiters.splice(0)) waiter.reject(error);
  }

  /** Writes the queue, one write at a time, coalescing changes made while a write runs. */
  private persist(): void {
    if (!this.storage) return;
    this.dirty = true;
    if (this.saving) return;
    this.saving = true;
    this.saveLoop = this.runSaves(this.storage);
  }

  private async runSaves(storage: OutboxStorage): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        try {
          await storage.save(this.pending());
        } catch (err) {
          this.options.onError?.(err);
        }
      }
    } finally {
      // Cleared in the same turn as the last `dirty` check: a change made after it starts a new loop.
      this.saving = false;
    }
  }
}
