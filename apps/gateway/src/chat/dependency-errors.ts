import { ChatError, ErrorCode } from '@campzone/protocol';

/**
 * Runs a call to Redis or MongoDB and turns its failure into UNAVAILABLE ("retry"), the one
 * answer a client can act on; a ChatError the call throws on purpose passes through.
 */
export function guarded<T>(what: string, call: () => Promise<T>, hint = 'retry'): Promise<T> {
  return call().catch((err: unknown) => {
    if (err instanceof ChatError) throw err;
    throw new ChatError(ErrorCode.UNAVAILABLE, `${what} is unavailable; ${hint}`);
  });
}

/**
 * Driver errors that mean Redis or MongoDB could not be reached or did not answer in time (not
 * a bug): the transports answer these UNAVAILABLE ("retry") wherever a call forgot to guard
 * itself, instead of INTERNAL.
 */
const UNREACHABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoWaitQueueTimeoutError',
  'MongoPoolClearedError',
  'MongoPoolClosedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'ConnectionTimeoutError',
  'ClientClosedError',
  'ClientOfflineError',
  'SocketClosedUnexpectedlyError',
  'ReconnectStrategyError',
  'DisconnectsClientError',
  // ioredis (BullMQ's client) on a Redis Cluster whose nodes it cannot reach.
  'ClusterAllFailedError',
  'MaxRetriesPerRequestError',
]);

/**
 * What a Redis Cluster answers while a failover is under way: replies (node-redis gives them the
 * plain name 'Error') from a cluster that has not promoted a replica yet, and socket errors from
 * a master that died. They end when the replica takes over, so the client should retry.
 */
const CLUSTER_IN_FAILOVER = /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|MOVED|ASK|LOADING)\b/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function isDependencyFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  // node-redis's own error classes keep the name 'Error': their class says what they are.
  return (
    UNREACHABLE.has(err.name) ||
    UNREACHABLE.has(err.constructor.name) ||
    (typeof code === 'string' && SOCKET_CODES.has(code)) ||
    CLUSTER_IN_FAILOVER.test(err.message)
  );
}
