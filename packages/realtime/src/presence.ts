import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';
import type { RedisClient } from './redis-client';

export interface SweptPod {
  podId: string;
  /** Users who had sockets only on this pod and are now offline. */
  wentOffline: string[];
}

/**
 * Cluster-wide presence: a user is online while any pod holds a socket of theirs. Each pod
 * counts its sockets in its own hash and renews a lease; a pod whose lease lapses (killed
 * without a goodbye) is swept by another pod, which takes its users offline.
 */
export class Presence {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly client: Pick<RedisClient, 'hmGet'>,
  ) {}

  /** Answers the user's socket count across the cluster; 1 means they just came online. */
  async connect(podId: string, userId: string): Promise<number> {
    return Number(await this.lua.run('presenceConnect', [this.keys.presencePod(podId), this.keys.presenceOnline()], [userId]));
  }

  /** Answers the user's remaining socket count; 0 means they just went offline, -1 nothing was counted. */
  async disconnect(podId: string, userId: string): Promise<number> {
    return Number(await this.lua.run('presenceDisconnect', [this.keys.presencePod(podId), this.keys.presenceOnline()], [userId]));
  }

  async heartbeat(podId: string, leaseMs: number): Promise<void> {
    await this.lua.run('presenceHeartbeat', [this.keys.presencePods()], [podId, leaseMs]);
  }

  /** Claims lapsed pods (and `alsoClaim`, e.g. this pod's previous life) and reports who went offline. */
  async sweep(alsoClaim = '', maxPods = 20): Promise<SweptPod[]> {
    const reply = await this.lua.run(
      'presenceSweep',
      [this.keys.presencePods(), this.keys.presenceOnline()],
      [this.keys.presencePodPrefix(), alsoClaim, maxPods],
    );
    if (!Array.isArray(reply)) throw new Error(`presenceSweep answered ${JSON.stringify(reply)}`);
    const swept: SweptPod[] = [];
    let current: SweptPod | undefined;
    for (const item of reply.map(String)) {
      if (item === '') current = undefined;
      else if (!current) {
        current = { podId: item, wentOffline: [] };
        swept.push(current);
      } else current.wentOffline.push(item);
    }
    return swept;
  }

  /** Which of these users are online now. */
  async onlineUsers(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const counts = await this.client.hmGet(this.keys.presenceOnline(), userIds);
    return new Set(userIds.filter((_, i) => Number(counts[i] ?? 0) > 0));
  }
}
