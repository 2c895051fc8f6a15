import { TypedEmitter } from '../src/typed-emitter';

interface Events {
  tick: [n: number];
  pair: [a: string, b: boolean];
}

class Emitter extends TypedEmitter<Events> {
  fire<K extends keyof Events>(event: K, ...args: Events[K]): void {
    this.emit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  it('calls listeners with every argument, until unsubscribed', () => {
    const emitter = new Emitter();
    const seen: Array<[string, boolean]> = [];
    const off = emitter.on('pair', (a, b) => seen.push([a, b]));
    emitter.fire('pair', 'x', true);
    off();
    emitter.fire('pair', 'y', false);
    expect(seen).toEqual([['x', true]]);
  });

  it('once listens for one event only', () => {
    const emitter = new Emitter();
    const seen: number[] = [];
    emitter.once('tick', (n) => seen.push(n));
    emitter.fire('tick', 1);
    emitter.fire('tick', 2);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount('tick')).toBe(0);
  });

  it('keeps calling the other listeners when one throws, and rethrows its error asynchronously', async () => {
    const emitter = new Emitter();
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('app bug');
    });
    emitter.on('tick', (n) => seen.push(n));
    const rethrown = new Promise<unknown>((resolve) => {
      const original = globalThis.queueMicrotask;
      globalThis.queueMicrotask = (fn) => {
        globalThis.queueMicrotask = original;
        try {
          fn();
        } catch (err) {
          resolve(err);
        }
      };
    });
    emitter.fire('tick', 7);
    expect(seen).toEqual([7]);
    expect(await rethrown).toMatchObject({ message: 'app bug' });
  });
});
