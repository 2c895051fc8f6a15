import { types } from 'node:util';
import type { ChannelListeners } from '@redis/client/dist/lib/client/pub-sub';
import { PubSubType } from '@redis/client/dist/lib/client/pub-sub';
import RedisClusterSlots from '@redis/client/dist/lib/cluster/cluster-slots';
import type { RedisClient, RedisClusterClient } from './redis-client';
import { FAILOVER_FOLLOWED, type FailoverFollowed } from './redis-failover-event';

/** How often each cluster client asks a live node who owns the slots: the lag added to a failover. */
const WATCH_INTERVAL_MS = 250;

/** The two methods of node-redis's private slot map used here (typed for this package's client). */
interface SlotMap {
  rediscover(startWith: RedisClient): Promise<void>;
  getShardedPubSubClient(channel: string): RedisClient | Promise<RedisClient>;
}

// node-redis v4 keeps the slot map in a private object whose `rediscover` is the only way to
// reload it, and offers no public route to it (only a MOVED reply triggers it, and a dead master
// answers nothing). getRandomNode is a side-effect-free method the cluster forwards to that
// object: wrapping it once tells which slot map answers for a given cluster client.
let lastSlots: SlotMap | undefined;
const originalGetRandomNode = RedisClusterSlots.prototype.getRandomNode;
RedisClusterSlots.prototype.getRandomNode = function getRandomNode(this: RedisClusterSlots<never, never, never>) {
  lastSlots = this as unknown as SlotMap;
  return originalGetRandomNode.call(this);
};

function slotsOf(cluster: RedisClusterClient): SlotMap | undefined {
  lastSlots = undefined;
  cluster.getRandomNode();
  const found = lastSlots;
  lastSlots = undefined;
  return found;
}

function readyClient(client: RedisClient | Promise<RedisClient> | undefined): RedisClient | undefined {
  if (!client || types.isPromise(client)) return undefined;
  return client.isReady ? client : undefined;
}

/**
 * Follows a failover that node-redis v4's cluster client would not notice by itself: when a
 * master is killed its connection only reconnects in a loop (no MOVED ever comes back from a
 * dead node), so commands for its slots fail until a restart, and the sharded subscriptions
 * (SSUBSCRIBE, the Socket.IO sharded adapter's channels) stay on the dead node. Every 250 ms
 * a live node is asked CLUSTER SLOTS; when a slot's owner there differs from the client's and
 * the client's owner is unreachable, the client reloads its slot map and subscribes the dead
 * master's sharded channels again on their new master. Started by connectRedisClients once the
 * client is connected; the interval is unref'd and ends when the client is closed.
 */
export function watchClusterFailover(cluster: RedisClusterClient): () => void {
  let checking = false;
  const timer = setInterval(() => {
    if (!cluster.isOpen) {
      clearInterval(timer);
      return;
    }
    if (checking) return;
    checking = true;
    followIfMoved(cluster)
      .catch((err: unknown) => {
        // A node that died between the choice and the question: the next tick asks another.
        if (cluster.listenerCount('error') > 0) cluster.emit('error', err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        checking = false;
      });
  }, WATCH_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

async function followIfMoved(cluster: RedisClusterClient): Promise<void> {
  const asked = cluster.masters.map((node) => readyClient(node.client)).find((client) => client !== undefined);
  if (!asked) return;
  const owners = await asked.clusterSlots();
  const lost = new Set<string>();
  const gained = new Set<string>();
  for (const range of owners) {
    const address = `${range.master.ip}:${range.master.port}`;
    const current = cluster.slots[range.from]?.master;
    // Only an unreachable owner is replaced: a reachable one answers MOVED itself, and a node
    // with an older view must not send the client back to a master it has left.
    if (!current || current.address === address || readyClient(current.client)) continue;
    lost.add(current.address);
    gained.add(address);
  }
  if (lost.size === 0) return;
  const slots = slotsOf(cluster);
  if (!slots) return;
  const orphaned = shardedListenersOf(cluster, lost);
  await slots.rediscover(asked);
  for (const [channel, listeners] of orphaned) {
    const client = await slots.getShardedPubSubClient(channel);
    await client.extendPubSubChannelListeners(PubSubType.SHARDED, channel, listeners);
  }
  const followed: FailoverFollowed = { from: [...lost], to: [...gained], resubscribed: orphaned.size };
  cluster.emit(FAILOVER_FOLLOWED, followed);
}

/** The sharded subscriptions held on the masters in `addresses`, copied (their clients are about to close). */
function shardedListenersOf(cluster: RedisClusterClient, addresses: ReadonlySet<string>): Map<string, ChannelListeners> {
  const found = new Map<string, ChannelListeners>();
  for (const master of cluster.masters) {
    if (!addresses.has(master.address)) continue;
    // node-redis sets pubSubClient on a master once a sharded channel of its slots is subscribed.
    const pubSub = (master as { pubSubClient?: RedisClient | Promise<RedisClient> }).pubSubClient;
    if (!pubSub || types.isPromise(pubSub)) continue;
    for (const [channel, listeners] of pubSub.getPubSubListeners(PubSubType.SHARDED)) {
      found.set(channel, { unsubscribing: false, buffers: new Set(listeners.buffers), strings: new Set(listeners.strings) });
    }
  }
  return found;
}
