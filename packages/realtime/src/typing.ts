import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';

export interface TypingEntry {
  roomId: string;
  userId: string;
}

/**
 * Typing state lives only in Redis, with a TTL per (room, user): ephemeral and written on
 * keystrokes, so it never touches MongoDB. Lapses are claimed atomically by one pod.
 */
export class TypingState {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
    private readonly announceEveryMs = 1000,
  ) {}

  /** Answers whether the room should be told (at most once per second per user and room). */
  async start(roomId: string, userId: string): Promise<boolean> {
    const reply = await this.lua.run('typingStart', this.stateKeys(), [member(roomId, userId), this.ttlMs, this.announceEveryMs]);
    return Number(reply) === 1;
  }

  /** Answers whether the user was typing. */
  async stop(roomId: string, userId: string): Promise<boolean> {
    return Number(await this.lua.run('typingStop', this.stateKeys(), [member(roomId, userId)])) === 1;
  }

  /** Claims lapsed entries; the caller tells each room isTyping: false. */
  async sweep(max = 500): Promise<TypingEntry[]> {
    const reply = await this.lua.run('typingSweep', this.stateKeys(), [max]);
    if (!Array.isArray(reply)) throw new Error(`typingSweep answered ${JSON.stringify(reply)}`);
    return reply.map(String).map((m) => {
      const [roomId = '', userId = ''] = m.split('|');
      return { roomId, userId };
    });
  }

  private stateKeys(): string[] {
    return [this.keys.typingExpiries(), this.keys.typingAnnounced()];
  }
}

/** Ids are validated tokens without '|', so the pair splits back unambiguously. */
function member(roomId: string, userId: string): string {
  return `${roomId}|${userId}`;
}
