/**
 * Time and timers, injected everywhere so the ordering buffer, the outbox and the typing
 * throttle can be tested with a manual clock instead of real sleeps.
 */
export type TimerHandle = { readonly cancel: () => void };

export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout(callback, delayMs) {
    const id = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(id) };
  },
};

/** One re-armable timer: the shape every component here needs (gap hold, idle stop, flush). */
export class Timer {
  private handle: TimerHandle | undefined;
  private dueAt = 0;

  constructor(private readonly scheduler: Scheduler) {}

  get armed(): boolean {
    return this.handle !== undefined;
  }

  /** Arms the timer, replacing any earlier deadline. */
  set(delayMs: number, callback: () => void): void {
    this.clear();
    this.dueAt = this.scheduler.now() + delayMs;
    this.handle = this.scheduler.setTimeout(() => {
      this.handle = undefined;
      callback();
    }, delayMs);
  }

  /** Arms the timer unless it is already due sooner: keeps the earliest deadline. */
  setIfSooner(delayMs: number, callback: () => void): void {
    if (this.handle && this.dueAt <= this.scheduler.now() + delayMs) return;
    this.set(delayMs, callback);
  }

  clear(): void {
    this.handle?.cancel();
    this.handle = undefined;
  }
}
