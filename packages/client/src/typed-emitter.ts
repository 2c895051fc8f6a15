/** Event name -> listener argument tuple (a mapped constraint, so plain interfaces qualify). */
export type EventMap<M> = { [K in keyof M]: unknown[] };
export type Listener<Args extends unknown[]> = (...args: Args) => void;
export type Unsubscribe = () => void;

/**
 * A small typed emitter that works the same in browsers and Node (no `events` polyfill in the
 * browser bundle). A throwing listener must not break the SDK's own bookkeeping (a timeline
 * half-way through presenting a batch), so its error is rethrown on a microtask instead:
 * it still surfaces as an uncaught error, exactly like a throwing DOM or Node listener.
 */
export class TypedEmitter<M extends EventMap<M>> {
  private listeners: { [K in keyof M]?: Set<Listener<M[K]>> } = {};

  on<K extends keyof M>(event: K, listener: Listener<M[K]>): Unsubscribe {
    const set = this.listeners[event] ?? new Set<Listener<M[K]>>();
    this.listeners[event] = set;
    set.add(listener);
    return () => this.off(event, listener);
  }

  once<K extends keyof M>(event: K, listener: Listener<M[K]>): Unsubscribe {
    const off = this.on(event, (...args: M[K]) => {
      off();
      listener(...args);
    });
    return off;
  }

  off<K extends keyof M>(event: K, listener: Listener<M[K]>): void {
    this.listeners[event]?.delete(listener);
  }

  listenerCount<K extends keyof M>(event: K): number {
    return this.listeners[event]?.size ?? 0;
  }

  removeAllListeners(): void {
    this.listeners = {};
  }

  protected emit<K extends keyof M>(event: K, ...args: M[K]): void {
    const set = this.listeners[event];
    if (!set) return;
    // Copy: a listener may unsubscribe itself (once) while we iterate.
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
