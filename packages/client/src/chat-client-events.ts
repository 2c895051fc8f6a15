import type { ChatMessage, ParticipantRemoved, RoomUpdated, TokenExpiring, UserTyping } from '@campzone/protocol';
import type { ChatClientError } from './chat-client-error';
import type { MessageChange } from './message-change';
import type { StatusChange } from './message-status-tracker';

export interface MessageInfo {
  /** The current user sent it (from this or another device). */
  own: boolean;
  /** For an own message sent from this client and already acknowledged: the id `send()` returned. */
  localId?: string;
  /** Its seq had been skipped as a hole; it is shown once, out of order (place it by `seq`). */
  late: boolean;
}

export type PresenceEvent =
  | { type: 'online'; roomId: string; onlineUsers: string[]; count: number }
  | { type: 'joined'; roomId: string; userId: string; timestamp: string }
  | { type: 'left'; roomId: string; userId: string; timestamp: string };

/** A member left a room for good (removed, banned or left themselves); `self`: the current user. */
export type ParticipantRemovedEvent = ParticipantRemoved & { self: boolean };

/** A send the outbox will try again: `error.code` RATE_LIMITED (slow mode) comes with the gateway's wait. */
export interface SendRetryingEvent {
  roomId: string;
  localId: string;
  error: ChatClientError;
  /** When the outbox sends it again (for RATE_LIMITED, the gateway's `retryAfterMs`). */
  retryInMs: number;
}

/** A token refresh (getToken, then `reauthenticate`) that failed; `retryInMs` absent: no time is left before exp. */
export interface TokenRefreshFailedEvent {
  error: ChatClientError;
  attempt: number;
  retryInMs?: number;
}

export type ConnectionState =
  | { state: 'connected'; userId: string; socketId: string; reconnect: boolean }
  /** `delayMs`: when the SDK tries (attempt 0: the transport retries by itself); `error.retryAfterMs`: the gateway's wait. */
  | { state: 'reconnecting'; attempt: number; delayMs?: number; error?: ChatClientError }
  | { state: 'disconnected'; reason: string; error?: ChatClientError };

/** Listener arguments of every event a ChatClient emits. */
export interface ChatClientEvents {
  /** Each room's messages, in seq order, each exactly once. */
  message: [message: ChatMessage, info: MessageInfo];
  /**
   * A stored message changed (edit, delete, reaction, pin, thread summary, or its whole current
   * state after a sync): each change once, never one older than what was told before. Update
   * the app's copy with `applyMessageChange(message, change)`.
   */
  message_changed: [change: MessageChange];
  status: [change: StatusChange];
  typing: [event: UserTyping];
  presence: [event: PresenceEvent];
  connection: [state: ConnectionState];
  /** For the current user, the room's timeline has stopped: nothing more is synced or presented. */
  participant_removed: [event: ParticipantRemovedEvent];
  /** The room's name or rules changed (posting policy, slow mode, archived). */
  room_updated: [event: RoomUpdated];
  /** The current user's block list changed (the whole list, sorted). */
  blocks: [blocked: string[]];
  send_retrying: [event: SendRetryingEvent];
  /**
   * The socket's token expires at `expiresAt`. With `getToken` the SDK sends a fresh one by
   * itself; with a static token the app calls `reauthenticate(token)` or is disconnected then.
   */
  token_expiring: [event: TokenExpiring];
  token_refresh_failed: [event: TokenRefreshFailedEvent];
  /** Failures nobody awaits: handshake refusals, background syncs, server `error` events, storage. */
  error: [error: ChatClientError];
}
