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

/** Socket errors of a connection cut under a command (a Redis master killed before its failover). */
const CUT_OFF = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Redis replies of a server that is not (or not yet) the master, all ended by a failover: a
 * demoted master answers READONLY until Sentinel moves the clients, a promoted one LOADING while
 * it loads its data, a replica that lost its master MASTERDOWN, and a Redis Cluster that has not
 * promoted a replica yet CLUSTERDOWN, TRYAGAIN, MOVED or ASK. The next try reaches the master.
 */
const NOT_MASTER_NOW = /^(READONLY|LOADING|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|MOVED|ASK)\b/;

export function isDependencyFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  // node-redis's own error classes keep the name 'Error': their class says what they are; its
  // ErrorReply and ioredis's ReplyError carry no distinct name, so replies are known by message.
  return (
    UNREACHABLE.has(err.name) ||
    UNREACHABLE.has(err.constructor.name) ||
    (typeof code === 'string' && CUT_OFF.has(code)) ||
    NOT_MASTER_NOW.test(err.message)
  );
}
