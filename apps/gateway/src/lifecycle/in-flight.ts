import { ChatError, ErrorCode } from '@campzone/protocol';

/**
 * Counts work in progress (socket events) so a draining pod can wait for it: a send that
 * was accepted finishes and is acknowledged before the socket is closed. Once closed, new
 * work is refused with UNAVAILABLE, and the client retries through another pod.
 */
export class InFlight {
  private count = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ChatError(ErrorCode.UNAVAILABLE, 'this gateway is shutting down; reconnect and retry');
    this.count++;
    try {
      return await work();
    } finally {
      this.count--;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves when nothing is in flight, or after timeoutMs; answers whether it drained. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
