import type { ServerToClientEvents } from '@campzone/protocol';
import { Emitter } from '@socket.io/redis-emitter';

export type ChatEmitter = Emitter<ServerToClientEvents>;

/** The one command the emitter needs (a node-redis client fits). */
export interface Publisher {
  publish(channel: string, message: string | Buffer): Promise<number>;
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
    const published: Promise<number>[] = [];
    const publisher = {
      publish: (channel: string, message: string | Buffer) => {
        const sent = this.client.publish(channel, message);
        published.push(sent);
        return sent;
      },
    };
    build(new Emitter<ServerToClientEvents>(publisher, { key: this.key }));
    await Promise.all(published);
  }
}
