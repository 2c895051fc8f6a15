import { type BackoffPolicy, backoffDelay } from './backoff';
import { ChatClientError, toChatClientError } from './chat-client-error';
import { type Scheduler, Timer } from './scheduler';

export interface ChangeQueueOptions {
  scheduler: Scheduler;
  /** Failed attempts (a retryable answer or no answer; disconnects do not count) before giving up. */
  maxAttempts: number;
  /** A change not answered this long after it was asked for is given up. */
  maxAgeMs: number;
  retry: BackoffPolicy;
  random?: () => number;
  /** A change will be tried again after `delayMs` (for RATE_LIMITED: the gateway's `retryAfterMs`). */
  onRetrying?(event: string, error: ChatClientError, delayMs: number): void;
}

interface Job {
  readonly event: string;
  readonly expiresAt: number;
  attempts: number;
  notBefore: number;
  inFlight: boolean;
  /** One transmission; resolves the caller's promise when it succeeds. */
  attempt(): Promise<void>;
  reject(error: ChatClientError): void;
}

/**
 * Changes to messages (edit, delete, reactions, pins) waiting for their answer. Each is sent
 * again, as the same request, until the server answers it, answers a final error, it runs out
 * of attempts or it expires; the server applies a change by the state it asks for, so a repeat
 * is answered with the change already made and nothing happens twice. Like the outbox:
 * disconnects are not attempts (the change waits for `setOnline(true)`), retryable answers back
 * off (honouring `retryAfterMs`). Per lane (one message) one change is on the wire at a time, in
 * the order asked: a reaction added and taken back ends taken back.
 */
export class ChangeQueue {
  private readonly lanes = new Map<string, Job[]>();
  private readonly wakeTimer: Timer;
  private online = false;
  private closed = false;

  constructor(private readonly options: ChangeQueueOptions) {
    this.wakeTimer = new Timer(options.scheduler);
  }

  /** Changes not answered yet. */
  get size(): number {
    let size = 0;
    for (const lane of this.lanes.values()) size += lane.length;
    return size;
  }

  /** Queues a change behind the others of its lane; `send` transmits it once and resolves with the answer. */
  enqueue<T>(lane: string, event: string, send: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ChatClientError('UNAVAILABLE', 'client is closed', 'closed', event));
    const promise = new Promise<T>((resolve, reject) => {
      const job: Job = {
        event,
        expiresAt: this.options.scheduler.now() + this.options.maxAgeMs,
        attempts: 0,
        notBefore: 0,
        inFlight: false,
        attempt: async () => resolve(await send()),
        reject,
      };
      const jobs = this.lanes.get(lane) ?? [];
      jobs.push(job);
      this.lanes.set(lane, jobs);
    });
    this.pump();
    return promise;
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.pump();
  }

  /** Stops; every change not answered yet is rejected. */
  close(): void {
    this.closed = true;
    this.wakeTimer.clear();
    const error = (event: string) => new ChatClientError('UNAVAILABLE', 'client closed before the change was answered', 'closed', event);
    for (const jobs of this.lanes.values()) for (const job of jobs) job.reject(error(job.event));
    this.lanes.clear();
  }

  /** Sends each lane's first change when it may go, gives up expired ones, arms the timer for the rest. */
  private pump(): void {
    if (this.closed) return;
    const now = this.options.scheduler.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const [lane, jobs] of [...this.lanes]) {
      let head = jobs[0];
      // Expired changes leave their lane; the one behind may go at once.
      while (head && !head.inFlight && now >= head.expiresAt) {
        this.finish(lane, head);
        head.reject(new ChatClientError('UNAVAILABLE', 'not answered before it expired', 'timeout', head.event));
        head = jobs[0];
      }
      if (!head || head.inFlight) continue;
      wakeAt = Math.min(wakeAt, head.expiresAt);
      if (!this.online) continue;
      if (head.notBefore > now) {
        wakeAt = Math.min(wakeAt, head.notBefore);
        continue;
      }
      this.transmit(lane, head);
    }
    if (wakeAt === Number.POSITIVE_INFINITY) this.wakeTimer.clear();
    else this.wakeTimer.set(Math.max(0, wakeAt - now), () => this.pump());
  }

  private transmit(lane: string, job: Job): void {
    job.inFlight = true;
    job.attempt().then(
      () => {
        this.finish(lane, job);
        this.pump();
      },
      (err: unknown) => this.failed(lane, job, toChatClientError(err, 'local', job.event)),
    );
  }

  private failed(lane: string, job: Job, error: ChatClientError): void {
    job.inFlight = false;
    if (this.closed) return;
    if (!error.retryable) {
      this.finish(lane, job);
      job.reject(error);
    } else if (error.source === 'disconnected' || error.source === 'closed') {
      // Not the change's fault: it goes again as soon as we are back online.
      job.notBefore = 0;
    } else if (++job.attempts >= this.options.maxAttempts) {
      this.finish(lane, job);
      job.reject(error);
    } else {
      const delayMs = error.retryAfterMs ?? backoffDelay(job.attempts, this.options.retry, this.options.random);
      job.notBefore = this.options.scheduler.now() + delayMs;
      this.options.onRetrying?.(job.event, error, delayMs);
    }
    this.pump();
  }

  private finish(lane: string, job: Job): void {
    const jobs = this.lanes.get(lane);
    if (!jobs) return;
    const at = jobs.indexOf(job);
    if (at >= 0) jobs.splice(at, 1);
    if (jobs.length === 0) this.lanes.delete(lane);
  }
}
