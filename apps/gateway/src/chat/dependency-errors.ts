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
]);

/** Socket errors of a connection cut under a command (a Redis master killed before its failover). */
const CUT_OFF = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Redis replies of a server that is not (or not yet) the master: a demoted master answers
 * READONLY until Sentinel moves the clients, a promoted one LOADING while it loads its data,
 * and MASTERDOWN when a replica lost its master. The next try reaches the master.
 */
const NOT_MASTER_NOW = /^(READONLY|LOADING|MASTERDOWN|TRYAGAIN) /;

export function isDependencyFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (UNREACHABLE.has(err.name)) return true;
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && CUT_OFF.has(code)) return true;
  // By message: node-redis's ErrorReply and ioredis's ReplyError carry no distinct name for these.
  return NOT_MASTER_NOW.test(err.message);
}
