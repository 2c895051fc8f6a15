import type { BackoffPolicy } from './backoff';
import type { OutboxStorage } from './outbox-storage';
import type { FetchLike } from './rest-client';
import type { Scheduler } from './scheduler';
import type { SocketIoOptions } from './socket-io-transport';
import type { TransportFactory } from './transport';

export interface RoomStart {
  roomId: string;
  /** Resume after this seq (a cursor the app saved); omitted: start `initialHistory` back from the latest. */
  afterSeq?: number;
  /** The rev cursor saved with it (`revCursor()`): changes to older messages made since are told on start. */
  afterRev?: number;
}

export interface ChatClientOptions {
  /** Gateway URL, e.g. `https://chat.example.edu` or `http://127.0.0.1:3000`. */
  url: string;
  /**
   * More gateways for a client that is not behind a load balancer (behind one, `url` is enough:
   * a reconnect lands on a live pod). After a failed connection attempt the next URL is tried,
   * in a ring starting at `url`; `sync` on reconnect makes the switch lose nothing.
   */
  fallbackUrls?: readonly string[];
  /** JWT for the handshake (`auth: { token }`). */
  token?: string;
  /**
   * The token provider: asked before every (re)connect, and on `token_expiring` for a token the
   * SDK hands the open socket (`reauthenticate`), so a socket outlives any one token. If it
   * fails, the handshake falls back to the last token; a refresh is retried before exp.
   */
  getToken?: () => string | Promise<string>;
  /** The user's id if the app knows it; otherwise the SDK learns it from `connected`. */
  userId?: string;
  /** Rooms to join (and keep joined across reconnects) from the first connect on. */
  rooms?: ReadonlyArray<string | RoomStart>;
  /** Connect in the constructor (default true). */
  autoConnect?: boolean;
  /** socket.io transports (default `['websocket']`). */
  transports?: SocketIoOptions['transports'];
  /** Extra socket.io-client options (path, extraHeaders, ...). */
  socketOptions?: SocketIoOptions;
  /** Per-request ack timeout (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** With no saved cursor, how many recent messages a room presents when it starts (default 50). */
  initialHistory?: number;
  /**
   * Track rooms the server delivers messages for without a `joinRoom` (the gateway subscribes
   * sockets to all the user's rooms). Default true; false drops their messages.
   */
  autoTrackRooms?: boolean;
  /**
   * How long a message ahead of a gap is held before a sync (default 1000 ms). The missing one
   * is usually still being stored and arrives live; a sync helps only if its broadcast was lost.
   */
  gapHoldMs?: number;
  /**
   * After how long a gap that syncs confirm empty is skipped as a hole (default: the request
   * timeout + 2000 ms). Longer than the request timeout, because a send whose answer was lost is
   * resent (same key, same seq) only after it: skipping sooner would show that message late,
   * out of order, to everyone else.
   */
  holeTimeoutMs?: number;
  /**
   * At most one `ack` per room per interval (default 250 ms). Every member of a busy room acks
   * once per interval, so this sets a gateway's ack events per member; the server's first
   * delivery check comes 1 s after a message, well after the ack.
   */
  ackIntervalMs?: number;
  typing?: { startIntervalMs?: number; idleMs?: number };
  outbox?: {
    /** Failed transmissions before a send is given up (default 10). */
    maxAttempts?: number;
    /** A send not acknowledged this long after it was made is given up (default 1 h). */
    maxAgeMs?: number;
    /** Sends per room on the wire at once (default 1: strictly in the order typed). */
    maxInFlightPerRoom?: number;
    retry?: Partial<BackoffPolicy>;
    /**
     * Where unacknowledged sends survive a reload. Default: `localStorage` in browsers (one key
     * per user, loaded once the user id is known), nothing in Node. `false` turns it off.
     */
    storage?: OutboxStorage | false;
  };
  /** Reconnect backoff: full jitter, attempt n waits random(0, min(maxMs, baseMs * 2^(n-1))) (default 500 ms, 10 s). */
  reconnection?: Partial<BackoffPolicy>;
  /** Handshake retries after UNAUTHORIZED when `getToken` can supply a new token (default 3). */
  maxAuthRetries?: number;
  /**
   * Do not present messages from users the current user blocked (default true). The SDK knows
   * the list after `loadBlocks()` and keeps it with `blockUser()` / `unblockUser()`.
   */
  hideBlockedUsers?: boolean;
  /** For the SDK's REST calls (blocks), on `url`; default the global `fetch`. */
  fetch?: FetchLike;
  /** Starting Lamport value (e.g. saved by the app); the clock also learns from every message. */
  initialLamport?: number;
  /** Injected for tests: time and timers. */
  scheduler?: Scheduler;
  /** Injected for tests: jitter and idempotency keys. */
  random?: () => number;
  /** Injected for tests or other transports; default is socket.io-client. */
  transport?: TransportFactory;
}

export interface ResolvedOptions {
  initialHistory: number;
  autoTrackRooms: boolean;
  requestTimeoutMs: number;
  gapHoldMs: number;
  holeTimeoutMs: number;
  ackIntervalMs: number;
  typingStartIntervalMs: number;
  typingIdleMs: number;
  maxAttempts: number;
  maxAgeMs: number;
  maxInFlightPerRoom: number;
  sendRetry: BackoffPolicy;
  syncRetry: BackoffPolicy;
  reconnection: BackoffPolicy;
  maxAuthRetries: number;
  hideBlockedUsers: boolean;
}

export function resolveOptions(o: ChatClientOptions): ResolvedOptions {
  const requestTimeoutMs = o.requestTimeoutMs ?? 10_000;
  return {
    initialHistory: o.initialHistory ?? 50,
    autoTrackRooms: o.autoTrackRooms ?? true,
    requestTimeoutMs,
    gapHoldMs: o.gapHoldMs ?? 1_000,
    holeTimeoutMs: o.holeTimeoutMs ?? requestTimeoutMs + 2_000,
    ackIntervalMs: o.ackIntervalMs ?? 250,
    typingStartIntervalMs: o.typing?.startIntervalMs ?? 1_000,
    typingIdleMs: o.typing?.idleMs ?? 2_000,
    maxAttempts: o.outbox?.maxAttempts ?? 10,
    maxAgeMs: o.outbox?.maxAgeMs ?? 60 * 60 * 1000,
    maxInFlightPerRoom: o.outbox?.maxInFlightPerRoom ?? 1,
    sendRetry: { baseMs: o.outbox?.retry?.baseMs ?? 500, maxMs: o.outbox?.retry?.maxMs ?? 30_000 },
    syncRetry: { baseMs: 500, maxMs: 30_000 },
    reconnection: { baseMs: o.reconnection?.baseMs ?? 500, maxMs: o.reconnection?.maxMs ?? 10_000 },
    maxAuthRetries: o.maxAuthRetries ?? 3,
    hideBlockedUsers: o.hideBlockedUsers ?? true,
  };
}
