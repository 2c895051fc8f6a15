import { keySlot } from './key-slot';
import type { LuaRunner } from './lua-runner';

export interface Publication {
  channel: string;
  message: string | Buffer;
}

/** `classic` PUBLISH, or `sharded` SPUBLISH (Redis 7 sharded pub/sub): the gateways' adapter decides. */
export type PublishMode = 'classic' | 'sharded';

/** Publishes a batch under a claim key: once per key, all or nothing (see claimAndPublish.lua). */
export class ClaimedPublisher {
  constructor(
    private readonly lua: LuaRunner,
    private readonly mode: PublishMode = 'classic',
  ) {}

  async publishOnce(claimKey: string, ttlMs: number, publications: Publication[]): Promise<boolean> {
    if (this.mode === 'sharded') {
      // A Redis Cluster node runs a script only if every shard channel it publishes on is its own.
      const slot = keySlot(claimKey);
      const stray = publications.find((p) => keySlot(p.channel) !== slot);
      if (stray) throw new Error(`claimAndSpublish: channel ${stray.channel} is not in the slot of claim key ${claimKey}`);
    }
    const args = [ttlMs, ...publications.flatMap((p) => [p.channel, p.message])];
    const script = this.mode === 'sharded' ? 'claimAndSpublish' : 'claimAndPublish';
    return (await this.lua.run(script, [claimKey], args)) === 1;
  }
}
