import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';
import type { RedisClient } from './redis-client';

export type FloorStatus = 'DELIVERED' | 'READ';

/**
 * Per room, the highest seq up to which each status rollup has been applied and announced.
 * Rollups update MongoDB only above it (no rescans of a long history) and announce only a
 * floor that rose (no repeated broadcasts). Losing it costs one full rescan, nothing more.
 */
export class StatusFloors {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly client: Pick<RedisClient, 'hGetAll'>,
  ) {}

  async get(roomId: string): Promise<Record<FloorStatus, number>> {
    const raw = await this.client.hGetAll(this.keys.statusFloors(roomId));
    return { DELIVERED: Number(raw.DELIVERED ?? 0), READ: Number(raw.READ ?? 0) };
  }

  /** Raises the given floors (never lowers one); answers how many rose. */
  async raise(roomId: string, floors: Partial<Record<FloorStatus, number>>): Promise<number> {
    const args: Array<string | number> = [];
    for (const [status, seq] of Object.entries(floors)) if (seq !== undefined) args.push(status, seq);
    if (args.length === 0) return 0;
    return Number(await this.lua.run('raiseFloors', [this.keys.statusFloors(roomId)], args));
  }
}
