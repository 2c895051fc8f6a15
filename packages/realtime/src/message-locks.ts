import { randomBytes } from 'node:crypto';
import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';

export class LockBusyError extends Error {
  constructor(what: string) {
    super(`${what} is busy; retry`);
    this.name = 'LockBusyError';
  }
}

/**
 * One writer at a time per message, across every pod and the worker. Changes read a message,
 * decide, and write it back; MongoDB's rev-conditioned update alone would serialize them, but
 * FerretDB v1 applies updateOne non-atomically (30 concurrent compare-and-set writers on one
 * document lost 3-4 updates here), so the lock is what keeps concurrent reactions and edits
 * from overwriting each other there. The lease bounds how long a dead holder blocks others.
 */
export class MessageLocks {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly leaseMs = 5000,
    private readonly waitMs = 3000,
  ) {}

  async withLock<T>(roomId: string, messageId: string, work: () => Promise<T>): Promise<T> {
    const key = this.keys.messageLock(roomId, messageId);
    const token = randomBytes(9).toString('base64url');
    const deadline = Date.now() + this.waitMs;
    for (let pause = 2; (await this.lua.run('acquireLock', [key], [token, this.leaseMs])) !== 1; pause = Math.min(pause * 2, 50)) {
      if (Date.now() > deadline) throw new LockBusyError(`message ${messageId}`);
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
    }
    try {
      return await work();
    } finally {
      await this.lua.run('releaseLock', [key], [token]).catch(() => undefined); // the lease frees it anyway
    }
  }
}
