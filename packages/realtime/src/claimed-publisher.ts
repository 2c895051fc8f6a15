import type { LuaRunner } from './lua-runner';

export interface Publication {
  channel: string;
  message: string | Buffer;
}

/** Publishes a batch under a claim key: once per key, all or nothing (see claimAndPublish.lua). */
export class ClaimedPublisher {
  constructor(private readonly lua: LuaRunner) {}

  async publishOnce(claimKey: string, ttlMs: number, publications: Publication[]): Promise<boolean> {
    const args = [ttlMs, ...publications.flatMap((p) => [p.channel, p.message])];
    return (await this.lua.run('claimAndPublish', [claimKey], args)) === 1;
  }
}
