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
