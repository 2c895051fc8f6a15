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
  | { kind: 'allocated'; seq: number; lamport: number; rev: number }
  | { kind: 'duplicate'; prior: PriorAllocation }
  | { kind: 'countersMissing' };

/** A room's highest stored seq, lamport and rev, as MongoDB has them (for seeding). */
export interface StoredCounters {
  seq: number;
  lamport: number;
  rev: number;
}

/** Where a room's revs stand (see revWatermark). */
export interface RevMarks {
  /** Every change at or below it is written. */
  watermark: number;
  /** The newest rev a change (not a new message) took; absent when not known. */
  changeRev?: number;
}

export interface AllocateRequest {
  roomId: string;
  senderId: string;
  idempotencyKey: string;
  clientLamport: number;
  messageId: string;
  createdAtMs: number;
}

/** How many rooms re-seeded since a failover are remembered; a room forgotten is re-seeded once more. */
const RESEEDED_ROOMS_KEPT = 10_000;

/** Per-room Lamport + seq counters and the idempotency fast path: one round trip per send. */
export class MessageCounters {
  /**
   * Rooms whose counters were raised from MongoDB since the last Redis failover this process
   * followed; undefined until the first one. A promoted replica can lack the old master's last
   * increments: a seq handed out again is caught by MongoDB's unique {roomId, seq} index, but a
   * rev is not, so after a failover every room is re-seeded before its next seq or rev.
   */
  #reseeded: Set<string> | undefined;

  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly idempotencyTtlSeconds = 24 * 3600,
  ) {}

  /** Redis failed over (FAILOVER_FOLLOWED): every room's counters are re-seeded before their next use. */
  markFailover(): void {
    this.#reseeded = new Set();
  }

  /** True while a failover is followed and this room has not been re-seeded since. */
  #mayHaveRolledBack(roomId: string): boolean {
    return this.#reseeded !== undefined && !this.#reseeded.has(roomId);
  }

  async allocate(req: AllocateRequest): Promise<Allocation> {
    // The caller seeds from MongoDB on countersMissing, which is what a failover needs too.
    if (this.#mayHaveRolledBack(req.roomId)) return { kind: 'countersMissing' };
    const reply = await this.lua.run(
      'allocateMessage',
      [this.keys.roomCounters(req.roomId), this.keys.idempotency(req.roomId, req.senderId, req.idempotencyKey)],
      [req.clientLamport, this.idempotencyTtlSeconds, req.messageId, req.createdAtMs],
    );
    const [kind, a, b, c] = asArray(reply);
    if (kind === 'ok') return { kind: 'allocated', seq: Number(a), lamport: Number(b), rev: Number(c) };
    if (kind === 'missing') return { kind: 'countersMissing' };
    if (kind === 'dup') return { kind: 'duplicate', prior: parsePrior(String(a)) };
    throw new Error(`allocateMessage answered ${JSON.stringify(reply)}`);
  }

  /** Raises the room's counters to at least these values (never lowers them). */
  async seed(roomId: string, seq: number, lamport: number, rev: number): Promise<{ seq: number; lamport: number; rev: number }> {
    const [s, l, r] = asArray(await this.lua.run('seedCounters', [this.keys.roomCounters(roomId)], [seq, lamport, rev]));
    if (this.#reseeded) {
      // Insertion order is age: the oldest entry goes first, and costs at most one more seeding.
      if (this.#reseeded.size >= RESEEDED_ROOMS_KEPT) this.#reseeded.delete(this.#reseeded.values().next().value as string);
      this.#reseeded.add(roomId);
    }
    return { seq: Number(s), lamport: Number(l), rev: Number(r) };
  }

  /**
   * Seeds the counters from what the store holds, read by `latest` (never lowering them, see
   * seed): how every path that finds them missing re-seeds. Answers what `latest` read.
   */
  async seedFrom(roomId: string, latest: () => Promise<StoredCounters>): Promise<StoredCounters> {
    const stored = await latest();
    await this.seed(roomId, stored.seq, stored.lamport, stored.rev);
    return stored;
  }

  /**
   * The room's next rev for a change to a stored message, noted as in flight until settleRev;
   * undefined when the counters are gone or may have rolled back in a failover (seed them first).
   */
  async allocateRev(roomId: string): Promise<number | undefined> {
    if (this.#mayHaveRolledBack(roomId)) return undefined;
    const [kind, rev] = asArray(await this.lua.run('allocateRev', [this.keys.roomCounters(roomId), this.keys.revsInFlight(roomId)], []));
    if (kind === 'missing') return undefined;
    if (kind === 'ok') return Number(rev);
    throw new Error(`allocateRev answered ${String(kind)}`);
  }

  /**
   * Runs one write of a change under the room's next rev: allocates it (seeding the counters
   * from `latest` first if Redis lost them), runs `write`, and settles the rev however the write
   * ends. Answers what the write answered.
   */
  async withRev<T>(roomId: string, latest: () => Promise<StoredCounters>, write: (rev: number) => Promise<T>): Promise<T> {
    let rev = await this.allocateRev(roomId);
    if (rev === undefined) {
      await this.seedFrom(roomId, latest);
      rev = await this.allocateRev(roomId);
      if (rev === undefined) throw new Error(`counters of room ${roomId} vanished while seeding`);
    }
    try {
      return await write(rev);
    } finally {
      // A failed settle leaves an entry that lapses by itself (revWatermark's staleMs).
      await this.settleRev(roomId, rev).catch(() => undefined);
    }
  }

  /** The change that took this rev was written, or given up. */
  async settleRev(roomId: string, rev: number): Promise<void> {
    await this.lua.run('settleRev', [this.keys.revsInFlight(roomId)], [rev]);
  }

  /**
   * The highest rev up to which every change of the room is written (see revWatermark-2.lua),
   * and the newest rev a change took when that is known; undefined when the counters are gone.
   * Changes in flight longer than staleMs are ignored.
   */
  async revWatermark(roomId: string, staleMs: number): Promise<RevMarks | undefined> {
    const [kind, rev, changeRev] = asArray(
      await this.lua.run('revWatermark', [this.keys.roomCounters(roomId), this.keys.revsInFlight(roomId)], [staleMs]),
    );
    if (kind !== 'ok') return undefined;
    const marks: RevMarks = { watermark: Number(rev) };
    // After a failover the replica may have missed the newest change's rev until the room is re-seeded.
    if (Number(changeRev) >= 0 && !this.#mayHaveRolledBack(roomId)) marks.changeRev = Number(changeRev);
    return marks;
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
