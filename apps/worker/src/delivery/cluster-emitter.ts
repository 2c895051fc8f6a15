import type { ServerToClientEvents } from '@campzone/protocol';
import type { Publication } from '@campzone/realtime';
import { Emitter } from '@socket.io/redis-emitter';

export type ChatEmitter = Emitter<ServerToClientEvents>;

/** How the emitter reaches Redis: plain publishes, and a batch published once per claim key. */
export interface Publisher {
  publish(channel: string, message: string | Buffer): Promise<number>;
  /** All of `publications` if `claimKey` was free (taking it for `ttlMs`), none if not. */
  publishOnce(claimKey: string, ttlMs: number, publications: Publication[]): Promise<boolean>;
}

/**
 * Emits to Socket.IO rooms on every gateway pod through the Redis adapter's channels
 * (`@socket.io/redis-emitter`), and resolves once Redis took every publish: the emitter itself
 * fires and forgets, so a failed publish would otherwise go unnoticed and the job would
 * count a re-send that never left.
 */
export class ClusterEmitter {
  constructor(
    private readonly client: Publisher,
    /** RedisKeys.socketIoChannel(): the `key` the gateways' adapter listens under. */
    private readonly key: string,
  ) {}

  async emit(build: (emitter: ChatEmitter) => void): Promise<void> {
    await Promise.all(this.encode(build).map((p) => this.client.publish(p.channel, p.message)));
  }

  /** Emits only if `claimKey` is free, claim and publishes in one atomic step; answers whether it did. */
  emitOnce(claimKey: string, ttlMs: number, build: (emitter: ChatEmitter) => void): Promise<boolean> {
    return this.client.publishOnce(claimKey, ttlMs, this.encode(build));
  }

  /** The publishes `build` makes, encoded by the emitter, not yet sent. */
  private encode(build: (emitter: ChatEmitter) => void): Publication[] {
    const publications: Publication[] = [];
    const collector = {
      publish: (channel: string, message: string | Buffer) => {
        publications.push({ channel, message });
        return Promise.resolve(0);
      },
    };
    build(new Emitter<ServerToClientEvents>(collector, { key: this.key }));
    return publications;
  }
}
