import type { ErrorCode } from '@campzone/protocol';

// Only `import type` from @campzone/protocol anywhere in this package: its runtime half
// carries TypeBox's compiler, which the browser bundle has no use for.

/**
 * Where a failure came from: the server answered `{ ok: false }` (`server`), no answer came in
 * time (`timeout`), the socket dropped before the answer (`disconnected`), the client was
 * closed (`closed`), the handshake was refused (`handshake`), or the SDK refused the call
 * before sending (`local`).
 */
export type FailureSource = 'server' | 'timeout' | 'disconnected' | 'closed' | 'handshake' | 'local';

/** Codes a retry cannot fix: the same payload will be refused again. */
const FINAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
]);

const KNOWN_CODES: ReadonlySet<string> = new Set<ErrorCode>([...FINAL_CODES, 'RATE_LIMITED', 'UNAVAILABLE', 'INTERNAL']);

/** Every promise of the SDK rejects with this; `code` is always a protocol ErrorCode. */
export class ChatClientError extends Error {
  override readonly name = 'ChatClientError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly source: FailureSource,
    /** The client event that failed (`send_message`, `sync`, ...), when there was one. */
    readonly event?: string,
    /** A server hint (RATE_LIMITED) for when a retry may succeed. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Whether sending the same request again later may succeed. */
  get retryable(): boolean {
    return !FINAL_CODES.has(this.code);
  }
}

export function isChatClientError(err: unknown): err is ChatClientError {
  return err instanceof ChatClientError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

/** Turns anything thrown into a ChatClientError, keeping one that already is. */
export function toChatClientError(err: unknown, source: FailureSource = 'local', event?: string): ChatClientError {
  if (err instanceof ChatClientError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ChatClientError('INTERNAL', message, source, event);
}
