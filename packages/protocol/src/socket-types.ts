import type { AttachmentUpdated } from './attachments';
import type {
  Ack,
  EditMessage,
  GetMessages,
  GetThread,
  MarkRead,
  MessageRef,
  Reaction,
  Reauthenticate,
  RoomRef,
  SendMessage,
  Sync,
} from './client-events';
import type { ErrorCode } from './errors';
import type {
  Acked,
  Connected,
  ErrorEvent,
  JoinedRoom,
  LeftRoom,
  MarkedRead,
  MessageDeleted,
  MessageEdited,
  MessagePinned,
  MessageSent,
  MessageStatusEvent,
  Messages,
  NewMessage,
  OnlineUsers,
  ParticipantRemoved,
  ReactionUpdated,
  ReadReceipt,
  Reauthenticated,
  RoomUpdated,
  Synced,
  Thread,
  ThreadUpdated,
  TokenExpiring,
  UserJoined,
  UserLeft,
  UserTyping,
} from './server-events';

/** Every client event may carry a Socket.IO ack callback answered with this shape. */
export type AckResponse<T> = ({ ok: true } & T) | { ok: false; error: AckError };

/** A refusal; `retryAfterMs` comes with RATE_LIMITED: when the same request may succeed. */
export interface AckError {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}
export type AckFn<T> = (response: AckResponse<T>) => void;

/** What a client may emit (typed for the SDK; the gateway treats every payload as unknown). */
export interface ClientToServerEvents {
  join_room: (payload: RoomRef, ack?: AckFn<JoinedRoom>) => void;
  leave_room: (payload: RoomRef, ack?: AckFn<LeftRoom>) => void;
  send_message: (payload: SendMessage, ack?: AckFn<MessageSent>) => void;
  typing_start: (payload: RoomRef, ack?: AckFn<RoomRef>) => void;
  typing_stop: (payload: RoomRef, ack?: AckFn<RoomRef>) => void;
  mark_read: (payload: MarkRead, ack?: AckFn<MarkedRead>) => void;
  get_messages: (payload: GetMessages, ack?: AckFn<Messages>) => void;
  get_online_users: (payload: RoomRef, ack?: AckFn<OnlineUsers>) => void;
  sync: (payload: Sync, ack?: AckFn<Synced>) => void;
  ack: (payload: Ack, ack?: AckFn<Acked>) => void;
  edit_message: (payload: EditMessage, ack?: AckFn<MessageEdited>) => void;
  delete_message: (payload: MessageRef, ack?: AckFn<MessageDeleted>) => void;
  add_reaction: (payload: Reaction, ack?: AckFn<ReactionUpdated>) => void;
  remove_reaction: (payload: Reaction, ack?: AckFn<ReactionUpdated>) => void;
  pin_message: (payload: MessageRef, ack?: AckFn<MessagePinned>) => void;
  unpin_message: (payload: MessageRef, ack?: AckFn<MessagePinned>) => void;
  get_thread: (payload: GetThread, ack?: AckFn<Thread>) => void;
  reauthenticate: (payload: Reauthenticate, ack?: AckFn<Reauthenticated>) => void;
}

export interface ServerToClientEvents {
  connected: (payload: Connected) => void;
  joined_room: (payload: JoinedRoom) => void;
  left_room: (payload: LeftRoom) => void;
  new_message: (payload: NewMessage) => void;
  message_sent: (payload: MessageSent) => void;
  user_typing: (payload: UserTyping) => void;
  read_receipt: (payload: ReadReceipt) => void;
  online_users: (payload: OnlineUsers) => void;
  user_joined: (payload: UserJoined) => void;
  user_left: (payload: UserLeft) => void;
  messages: (payload: Messages) => void;
  synced: (payload: Synced) => void;
  message_status: (payload: MessageStatusEvent) => void;
  message_edited: (payload: MessageEdited) => void;
  message_deleted: (payload: MessageDeleted) => void;
  reaction_updated: (payload: ReactionUpdated) => void;
  message_pinned: (payload: MessagePinned) => void;
  thread_updated: (payload: ThreadUpdated) => void;
  thread: (payload: Thread) => void;
  participant_removed: (payload: ParticipantRemoved) => void;
  room_updated: (payload: RoomUpdated) => void;
  token_expiring: (payload: TokenExpiring) => void;
  attachment_updated: (payload: AttachmentUpdated) => void;
  error: (payload: ErrorEvent) => void;
}
