import { randomUUID } from 'node:crypto';
import type { RedisKeys } from './keys';
import type { RedisConnection } from './redis-client';

/** A minted token lapses after this long without a change: an idle room keeps no key, and its next reader mints one. */
const TOKEN_TTL_MS = 3_600_000;

/**
 * Tells a reader of a room's participant rows (who is a member, how far each has read) whether
 * the copy it holds is still what MongoDB holds, so the worker need not re-read the rows at
 * every rollup and delivery check: on FerretDB each read scans chat_participants.
 *
 * Readers mint a random token per room and read the rows after it; every write to the rows
 * deletes the token once it is in MongoDB. So a reader that finds the token it read its rows
 * under has seen every write that finished since; a write still in flight has not been
 * answered yet either. A lost Redis, an evicted or lapsed key, is a deleted token: the next
 * reader mints a new one and reads again. Random tokens, not counters, so no later token can
 * equal an old one.
 */
export class RosterVersions {
  constructor(
    private readonly keys: RedisKeys,
    private readonly client: Pick<RedisConnection, 'get' | 'set' | 'del'>,
  ) {}

  /** After a write to the room's participant rows, before answering whoever asked for it. */
  async changed(roomId: string): Promise<void> {
    await this.client.del(this.keys.rosterVersion(roomId));
  }

  /** The room's token, minted if it has none; read it before the rows it is to stand for. */
  async current(roomId: string): Promise<string> {
    const key = this.keys.rosterVersion(roomId);
    const held = await this.client.get(key);
    if (held !== null) return held;
    const minted = randomUUID();
    if ((await this.client.set(key, minted, { NX: true, PX: TOKEN_TTL_MS })) === 'OK') return minted;
    // Another reader minted one in between (or a write deleted it again): take whatever stands now.
    return (await this.client.get(key)) ?? minted;
  }
}
