import { type Scheduler, Timer } from './scheduler';

export interface TypingThrottleOptions {
  scheduler: Scheduler;
  /** `typing_start` goes out at most this often while the user keeps typing (a refresh: the server lapses typing after 30 s). */
  startIntervalMs: number;
  /** `typing_stop` goes out after this long without a keystroke. */
  idleMs: number;
  emitStart(): void;
  emitStop(): void;
}

/**
 * One room's typing indicator, driven by keystrokes: the first keystroke sends `typing_start`,
 * further keystrokes refresh it at most once per `startIntervalMs`, and `typing_stop` follows
 * `idleMs` after the last keystroke or at once on `stop()` (a send, a blur).
 */
export class TypingThrottle {
  private typing = false;
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private readonly idleTimer: Timer;

  constructor(private readonly options: TypingThrottleOptions) {
    this.idleTimer = new Timer(options.scheduler);
  }

  get isTyping(): boolean {
    return this.typing;
  }

  /** Call on every keystroke (or input event). */
  input(): void {
    const now = this.options.scheduler.now();
    if (!this.typing || now - this.lastStartAt >= this.options.startIntervalMs) {
      this.typing = true;
      this.lastStartAt = now;
      this.options.emitStart();
    }
    this.idleTimer.set(this.options.idleMs, () => this.stop());
  }

  /** Ends typing now (sent the message, left the field); a no-op when not typing. */
  stop(): void {
    this.idleTimer.clear();
    if (!this.typing) return;
    this.typing = false;
    this.lastStartAt = Number.NEGATIVE_INFINITY;
    this.options.emitStop();
  }

  /** Forgets the state without emitting: the connection dropped, and the server lapses it. */
  reset(): void {
    this.idleTimer.clear();
    this.typing = false;
    this.lastStartAt = Number.NEGATIVE_INFINITY;
  }
}
