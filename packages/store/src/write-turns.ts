/**
 * One write at a time from one pod, in the order asked: the message writer's batches and the
 * cursor copies take turns instead of reaching the store as two concurrent writers.
 */
export class WriteTurns {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(write: () => Promise<T>): Promise<T> {
    const turn = this.last.then(write);
    this.last = turn.catch(() => undefined);
    return turn;
  }
}
