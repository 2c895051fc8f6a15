/**
 * Every Redis key this system writes, built in one place. Keys of one room share the hash
 * tag `{r:<roomId>}`, so a room's scripts touch a single slot on Redis Cluster. Ids are
 * validated tokens (letters, digits, `_`, `-`), so they cannot break out of a key.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  roomCounters(roomId: string): string {
    return `${this.prefix}:{r:${roomId}}:ctr`;
  }

  idempotency(roomId: string, senderId: string, idempotencyKey: string): string {
    return `${this.prefix}:{r:${roomId}}:idem:${senderId}:${idempotencyKey}`;
  }

  /** Delivered cursors of a room's members (userId -> highest contiguous seq acked). */
  deliveredCursors(roomId: string): string {
    return `${this.prefix}:{r:${roomId}}:dlv`;
  }

  /** Channel prefix of the Socket.IO Redis adapter and emitter. */
  socketIoChannel(): string {
    return `${this.prefix}:sio`;
  }

  /** BullMQ prefix: queues live under `<prefix>:bull:<queue>`. */
  bullPrefix(): string {
    return `${this.prefix}:bull`;
  }
}
