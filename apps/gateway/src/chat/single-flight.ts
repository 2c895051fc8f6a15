/**
 * Shares one in-flight call among concurrent callers with the same key. Members of a room who
 * miss the same message sync at the same moment with the same cursor; on one pod they then
 * cost the store one query, not one each. Nothing is cached once the call settles.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, call: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = call().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
