/** Per-user message rate, per-address connection rate, and per-member slow mode (`<roomId>:<userId>`). */
export type RateLimitKind = 'msg' | 'conn' | 'slow';

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

  /** Held while one writer changes a stored message (see message-locks.ts). */
  messageLock(roomId: string, messageId: string): string {
    return `${this.prefix}:{r:${roomId}}:lock:${messageId}`;
  }

  /** Revs of a room's changes allocated and not yet written (rev -> allocation time). */
  revsInFlight(roomId: string): string {
    return `${this.prefix}:{r:${roomId}}:revs`;
  }

  /** Delivered cursors of a room's members (userId -> highest contiguous seq acked). */
  deliveredCursors(roomId: string): string {
    return `${this.prefix}:{r:${roomId}}:dlv`;
  }

  /** The token the worker's copy of a room's participant rows stands for (see roster-versions.ts). */
  rosterVersion(roomId: string): string {
    return `${this.prefix}:{r:${roomId}}:roster`;
  }

  /**
   * Claimed by the worker that re-sends retry `attempt` of a message, so no other run of that
   * retry (a re-run, a second schedule) sends it again. With sharded pub/sub the claim and the
   * publish run in one script, so the key carries the shard channel it goes to as its hash tag
   * (`channel` must hold no braces).
   */
  resendClaim(messageId: string, attempt: number, channel?: string): string {
    const tag = channel === undefined ? '' : `{${channel}}:`;
    return `${this.prefix}:${tag}resend:${messageId}:${attempt}`;
  }

  // Presence and typing keys share one hash tag each: their sweeps must see every pod's
  // and every room's entries in a single atomic script.

  presencePods(): string {
    return `${this.prefix}:{presence}:pods`;
  }

  presencePodPrefix(): string {
    return `${this.prefix}:{presence}:pod:`;
  }

  presencePod(podId: string): string {
    return `${this.presencePodPrefix()}${podId}`;
  }

  presenceOnline(): string {
    return `${this.prefix}:{presence}:online`;
  }

  typingExpiries(): string {
    return `${this.prefix}:{typing}:exp`;
  }

  typingAnnounced(): string {
    return `${this.prefix}:{typing}:said`;
  }

  rateLimit(kind: RateLimitKind, subject: string): string {
    return `${this.prefix}:rl:${kind}:${subject}`;
  }

  /** A user's tokens issued until the stored time are refused. */
  revokedUser(userId: string): string {
    return `${this.prefix}:revoked:u:${userId}`;
  }

  /** One token (by `jti`) is refused. */
  revokedToken(tokenId: string): string {
    return `${this.prefix}:revoked:t:${tokenId}`;
  }

  /** Channel prefix of the Socket.IO Redis adapter and emitter. */
  socketIoChannel(): string {
    return `${this.prefix}:sio`;
  }

  /**
   * BullMQ prefix: queues live under `<prefix>:bull:<queue>`; on a Redis Cluster under
   * `{<prefix>:bull}:<queue>`, one hash tag, so each queue's keys share a slot (BullMQ's rule).
   */
  bullPrefix(mode: 'single' | 'cluster' | 'sentinel' = 'single'): string {
    return mode === 'cluster' ? `{${this.prefix}:bull}` : `${this.prefix}:bull`;
  }
}
