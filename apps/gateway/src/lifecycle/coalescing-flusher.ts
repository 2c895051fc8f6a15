/**
 * Keeps the latest value per key and hands them to `write` every interval, one write at a
 * time: overlapping bulk writes pile up on the store (and wedge FerretDB). For state that
 * Redis already holds and MongoDB mirrors, where only the latest value matters.
 */
export class CoalescingFlusher<T> {
  private pending = new Map<string, T>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    /** A failed write is reported, and its values are kept for the next flush. */
    private readonly onError: (err: unknown, size: number) => void,
    everyMs: number,
  ) {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  get(key: string): T | undefined {
    return this.pending.get(key);
  }

  set(key: string, value: T): void {
    this.pending.set(key, value);
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write([...batch.values()])
      .catch((err: unknown) => {
        this.onError(err, batch.size);
        // Dropping them would leave the mirror wrong until the key changes again (a user
        // shown online for good); a value set while the write was out is newer and wins.
        for (const [key, value] of batch) if (!this.pending.has(key)) this.pending.set(key, value);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
