import type { ChatMessage, UserTyping } from '@campzone/protocol';
import type { ChatClientError } from './chat-client-error';
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

export type ConnectionState =
  | { state: 'connected'; userId: string; socketId: string; reconnect: boolean }
  | { state: 'reconnecting'; attempt: number; error?: ChatClientError }
  | { state: 'disconnected'; reason: string; error?: ChatClientError };

/** Listener arguments of every event a ChatClient emits. */
export interface ChatClientEvents {
  /** Each room's messages, in seq order, each exactly once. */
  message: [message: ChatMessage, info: MessageInfo];
  status: [change: StatusChange];
  typing: [event: UserTyping];
  presence: [event: PresenceEvent];
  connection: [state: ConnectionState];
  /** Failures nobody awaits: handshake refusals, background syncs, server `error` events, storage. */
  error: [error: ChatClientError];
}
