import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';

/** What a previous send with the same idempotency key was given. */
export interface PriorAllocation {
  messageId: string;
  seq: number;
  lamport: number;
  createdAtMs: number;
}

export type Allocation =
  | { kind: 'allocated'; seq: number; lamport: number }
  | { kind: 'duplicate'; prior: PriorAllocation }
  | { kind: 'countersMissing' };

export interface AllocateRequest {
  roomId: string;
  senderId: string;
  idempotencyKey: string;
  clientLamport: number;
  messageId: string;
  createdAtMs: number;
}

/** Per-room Lamport + seq counters and the idempotency fast path: one round trip per send. */
export class MessageCounters {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly idempotencyTtlSeconds = 24 * 3600,
  ) {}

  async allocate(req: AllocateRequest): Promise<Allocation> {
    const reply = await this.lua.run(
      'allocateMessage',
      [this.keys.roomCounters(req.roomId), this.keys.idempotency(req.roomId, req.senderId, req.idempotencyKey)],
      [req.clientLamport, this.idempotencyTtlSeconds, req.messageId, req.createdAtMs],
    );
    const [kind, a, b] = asArray(reply);
    if (kind === 'ok') return { kind: 'allocated', seq: Number(a), lamport: Number(b) };
    if (kind === 'missing') return { kind: 'countersMissing' };
    if (kind === 'dup') return { kind: 'duplicate', prior: parsePrior(String(a)) };
    throw new Error(`allocateMessage answered ${JSON.stringify(reply)}`);
  }

  /** Raises the room's counters to at least these values (never lowers them). */
  async seed(roomId: string, seq: number, lamport: number): Promise<{ seq: number; lamport: number }> {
    const [s, l] = asArray(await this.lua.run('seedCounters', [this.keys.roomCounters(roomId)], [seq, lamport]));
    return { seq: Number(s), lamport: Number(l) };
  }

  /** Lets a send allocate again after its seq collided; only if the key still holds messageId. */
  async forget(roomId: string, senderId: string, idempotencyKey: string, messageId: string): Promise<boolean> {
    const reply = await this.lua.run('forgetIdempotency', [this.keys.idempotency(roomId, senderId, idempotencyKey)], [messageId]);
    return Number(reply) === 1;
  }
}

function asArray(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new Error(`Lua answered ${JSON.stringify(reply)}, expected an array`);
  return reply;
}

function parsePrior(value: string): PriorAllocation {
  const [messageId, seq, lamport, createdAtMs] = value.split('|');
  if (!messageId || !seq || !lamport || !createdAtMs) throw new Error(`Malformed idempotency entry ${JSON.stringify(value)}`);
  return { messageId, seq: Number(seq), lamport: Number(lamport), createdAtMs: Number(createdAtMs) };
}
