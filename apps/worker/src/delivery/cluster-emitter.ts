import type { ServerToClientEvents } from '@campzone/protocol';
import type { Publication, PublishMode } from '@campzone/realtime';
import { Emitter } from '@socket.io/redis-emitter';
import { shardedBroadcast, shardedChannelFor, shardedMainChannel } from './sharded-adapter-wire';

/** What processors emit through: `to(rooms).emit(event, payload)`, as on a Socket.IO server. */
export interface ChatEmitter {
  to(rooms: string | string[]): {
    emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): boolean;
  };
}

/** How the emitter reaches Redis: plain publishes, and a batch published once per claim key. */
export interface Publisher {
  /** PUBLISH, or SPUBLISH when the gateways run the sharded adapter. */
  publish(channel: string, message: string | Buffer): Promise<number>;
  /** All of `publications` if `claimKey` was free (taking it for `ttlMs`), none if not. */
  publishOnce(claimKey: string, ttlMs: number, publications: Publication[]): Promise<boolean>;
}

/**
 * Emits to Socket.IO rooms on every gateway pod through the Redis adapter's channels, in the
 * adapter's own wire format: the classic one (`@socket.io/redis-emitter`) or the sharded one
 * (see sharded-adapter-wire.ts). Resolves once Redis took every publish: an emitter that fired
 * and forgot would let a failed publish go unnoticed and the job count a re-send that never left.
 */
export class ClusterEmitter {
  constructor(
    private readonly client: Publisher,
    /** RedisKeys.socketIoChannel(): the `key` (classic) or `channelPrefix` (sharded) the gateways' adapter uses. */
    private readonly key: string,
    private readonly mode: PublishMode = 'classic',
  ) {}

  async emit(build: (emitter: ChatEmitter) => void): Promise<void> {
    await Promise.all(this.encode(build, false).map((p) => this.client.publish(p.channel, p.message)));
  }

  /**
   * Emits only if `claimKey(channel)` is free, claim and publishes in one atomic step; answers
   * whether it did. With the sharded adapter every publish of the batch goes to the one channel
   * all pods hear, so claim and publishes share a slot (the key is tagged with that channel).
   */
  emitOnce(claimKey: (channel: string | undefined) => string, ttlMs: number, build: (emitter: ChatEmitter) => void): Promise<boolean> {
    const channel = this.mode === 'sharded' ? shardedMainChannel(this.key) : undefined;
    return this.client.publishOnce(claimKey(channel), ttlMs, this.encode(build, true));
  }

  /** The publishes `build` makes, encoded, not yet sent. */
  private encode(build: (emitter: ChatEmitter) => void, oneChannel: boolean): Publication[] {
    const publications: Publication[] = [];
    if (this.mode === 'sharded') {
      build({
        to: (target) => {
          const rooms = typeof target === 'string' ? [target] : target;
          const channel = oneChannel ? shardedMainChannel(this.key) : shardedChannelFor(this.key, rooms);
          return {
            emit: (event, ...args) => {
              publications.push(shardedBroadcast(channel, rooms, event, args));
              return true;
            },
          };
        },
      });
      return publications;
    }
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
