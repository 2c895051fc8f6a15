import type { RedisKeys } from './keys';
import type { LuaRunner } from './lua-runner';
import type { RedisConnection } from './redis-client';

export interface SweptPod {
  podId: string;
  /** Users who had sockets only on this pod and are now offline. */
  wentOffline: string[];
}

/** What putting a pod's sockets back into the counts changed, cluster-wide. */
export interface RecountResult {
  cameOnline: string[];
  /** Users counted on the pod with no socket open there, nor anywhere else. */
  wentOffline: string[];
}

/**
 * Cluster-wide presence: a user is online while any pod holds a socket of theirs. Each pod
 * counts its sockets in its own hash and renews a lease; a pod whose lease lapses (killed
 * without a goodbye) is swept by another pod, which takes its users offline. Every script
 * is given each key it touches, all under the `{presence}` hash tag, so it also runs on
 * Redis Cluster.
 */
export class Presence {
  constructor(
    private readonly lua: LuaRunner,
    private readonly keys: RedisKeys,
    private readonly client: Pick<RedisConnection, 'hmGet'>,
  ) {}

  /** Answers the user's socket count across the cluster; 1 means they just came online. */
  async connect(podId: string, userId: string): Promise<number> {
    return Number(await this.lua.run('presenceConnect', [this.keys.presencePod(podId), this.keys.presenceOnline()], [userId]));
  }

  /** Answers the user's remaining socket count; 0 means they just went offline, -1 nothing was counted. */
  async disconnect(podId: string, userId: string): Promise<number> {
    return Number(await this.lua.run('presenceDisconnect', [this.keys.presencePod(podId), this.keys.presenceOnline()], [userId]));
  }

  /**
   * Renews the pod's lease; answers false when a sweep claimed it meanwhile (the pod then
   * calls `recount`). `take` takes the lease whatever its state: the pod's first renewal.
   */
  async heartbeat(podId: string, leaseMs: number, take = false): Promise<boolean> {
    const held = await this.lua.run('presenceHeartbeat', [this.keys.presencePods()], [podId, leaseMs, take ? '1' : '']);
    return Number(held) === 1;
  }

  /**
   * Sets the pod's counts to `sockets` (userId -> sockets open on the pod) and takes its
   * lease again. The Redis call leaves in this tick: a caller that counts its sockets
   * synchronously before calling is ordered consistently with the connects and disconnects
   * it sends on the same connection.
   */
  async recount(podId: string, leaseMs: number, sockets: ReadonlyMap<string, number>): Promise<RecountResult> {
    const pairs: string[] = [];
    for (const [userId, count] of sockets) if (count > 0) pairs.push(userId, String(count));
    const reply = await this.lua.run(
      'presenceRecount',
      [this.keys.presencePods(), this.keys.presenceOnline(), this.keys.presencePod(podId)],
      [podId, leaseMs, ...pairs],
    );
    if (!Array.isArray(reply)) throw new Error(`presenceRecount answered ${JSON.stringify(reply)}`);
    const items = reply.map(String);
    const split = items.indexOf('');
    return { cameOnline: items.slice(0, split), wentOffline: items.slice(split + 1) };
  }

  /**
   * Claims lapsed pods (and `alsoClaim` whatever its lease, e.g. this pod's previous life)
   * and reports who went offline. Listing and claiming are separate steps, so that each
   * claim names the one pod hash it empties; the claim re-checks the lease, so concurrent
   * sweepers still report each pod once.
   */
  async sweep(alsoClaim = '', maxPods = 20): Promise<SweptPod[]> {
    const lapsed = await this.lua.run('presenceLapsed', [this.keys.presencePods()], [maxPods]);
    if (!Array.isArray(lapsed)) throw new Error(`presenceLapsed answered ${JSON.stringify(lapsed)}`);
    const podIds = lapsed.map(String).filter((podId) => podId !== alsoClaim);
    const claims = podIds.map((podId) => this.claim(podId, false));
    if (alsoClaim !== '') claims.push(this.claim(alsoClaim, true));
    return (await Promise.all(claims)).filter((p): p is SweptPod => p !== undefined);
  }

  private async claim(podId: string, whateverItsLease: boolean): Promise<SweptPod | undefined> {
    const reply = await this.lua.run(
      'presenceClaim',
      [this.keys.presencePods(), this.keys.presenceOnline(), this.keys.presencePod(podId)],
      [podId, whateverItsLease ? '1' : ''],
    );
    if (!Array.isArray(reply)) throw new Error(`presenceClaim answered ${JSON.stringify(reply)}`);
    const [claimed, ...wentOffline] = reply.map(String);
    return claimed === '1' ? { podId, wentOffline } : undefined;
  }

  /** How many sockets the user holds across the cluster now. */
  async socketCount(userId: string): Promise<number> {
    const [count] = await this.client.hmGet(this.keys.presenceOnline(), [userId]);
    return Number(count ?? 0);
  }

  /** Which of these users are online now. */
  async onlineUsers(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const counts = await this.client.hmGet(this.keys.presenceOnline(), userIds);
    return new Set(userIds.filter((_, i) => Number(counts[i] ?? 0) > 0));
  }
}
