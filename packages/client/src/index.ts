// The whole public face of @campzone/client.

export type {
  ChatMessage,
  ErrorCode,
  JoinedRoom,
  LeftRoom,
  MarkedRead,
  MessageDeleted,
  MessageEdited,
  MessagePinned,
  MessageSent,
  Messages,
  OnlineUsers,
  ParticipantRemoved,
  PinsResponse,
  ReactionSummary,
  ReactionUpdated,
  Reauthenticated,
  RoomUpdated,
  Synced,
  Thread,
  ThreadSummary,
  ThreadUpdated,
  TokenExpiring,
  UserTyping,
} from '@campzone/protocol';
export { AckCoalescer, type AckCoalescerOptions } from './ack-coalescer';
export { ChangeQueue, type ChangeQueueOptions } from './change-queue';
export { ChatClient, createChatClient, type SendOptions, type SendPromise } from './chat-client';
export { ChatClientError, type FailureSource, isChatClientError } from './chat-client-error';
export type {
  ChatClientEvents,
  ConnectionState,
  MessageInfo,
  ParticipantRemovedEvent,
  PresenceEvent,
  SendRetryingEvent,
  TokenRefreshFailedEvent,
} from './chat-client-events';
export type { ChatClientOptions, RoomStart } from './chat-client-options';
export { createIdempotencyKey } from './idempotency-key';
// The socket-free building blocks, for tools (the load tester) that want the rules without the socket.
export { LamportClock } from './lamport-clock';
export { applyMessageChange, type MessageChange, type MessageChangeKind } from './message-change';
export { MessageChangeLedger } from './message-change-ledger';
export type { DeliveryStatus, StatusChange } from './message-status-tracker';
export { MessageStatusTracker } from './message-status-tracker';
export { Outbox, type OutboxEvent, type OutboxOptions } from './outbox';
export type { ClientMessageType, OutboxRecord } from './outbox-record';
export { browserLocalStorage, type KeyValueStorage, memoryOutboxStorage, type OutboxStorage, webStorageOutbox } from './outbox-storage';
export type { FetchLike } from './rest-client';
export { type FetchAfter, type PresentInfo, RoomTimeline, type RoomTimelineOptions, type SyncPage } from './room-timeline';
export type { Scheduler, TimerHandle } from './scheduler';
export { retryAfterOf } from './socket-io-transport';
export type { ChatTransport, ServerMessage, TransportFactory, TransportHandlers } from './transport';
export type { Listener, Unsubscribe } from './typed-emitter';
export { TypingThrottle, type TypingThrottleOptions } from './typing-throttle';
