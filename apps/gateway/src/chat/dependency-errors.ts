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

export function isDependencyFailure(err: unknown): boolean {
  return err instanceof Error && UNREACHABLE.has(err.name);
}
