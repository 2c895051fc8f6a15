import type { Scheduler, TimerHandle } from '../src/scheduler';

/** Lets every pending promise callback run (a macrotask turn: all microtasks drain first). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A manual clock: time moves only in `advance`, which runs due timers in order. */
export class FakeScheduler implements Scheduler {
  private time = 1_700_000_000_000;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; id: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = ++this.nextId;
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), id, callback });
    return { cancel: () => this.timers.delete(id) };
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in time order and settling promises between them. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      let next: { at: number; id: number; callback: () => void } | undefined;
      for (const timer of this.timers.values()) {
        if (timer.at <= target && (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id))) next = timer;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.time = next.at;
      next.callback();
    }
    this.time = target;
    await settle();
  }
}
