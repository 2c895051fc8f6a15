/** What a followed failover changed, for the process's log and its counters. */
export interface FailoverFollowed {
  /** `host:port` of the masters that lost their slots or their role (dead or demoted). */
  from: string[];
  /** `host:port` of the masters that serve now. */
  to: string[];
  /** Sharded channels subscribed again on their new master (a cluster's; 0 behind Sentinel). */
  resubscribed: number;
}

/**
 * The event a Redis connection emits after it followed a failover to a promoted replica: a
 * cluster client (see watchClusterFailover) or a Sentinel client (see createSentinelRedisClient).
 * Replication is asynchronous, so what the old master acknowledged last may be missing: the
 * process re-seeds room counters from MongoDB before it next uses them (MessageCounters.markFailover).
 */
export const FAILOVER_FOLLOWED = 'failover-followed';
