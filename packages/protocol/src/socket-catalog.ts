import { type TSchema, Type } from '@sinclair/typebox';
import { AttachmentUpdatedSchema } from './attachments';
import {
  AckSchema,
  EditMessageSchema,
  GetMessagesSchema,
  GetThreadSchema,
  MarkReadSchema,
  MessageRefSchema,
  ReactionSchema,
  ReauthenticateSchema,
  RoomRefSchema,
  SendMessageSchema,
  SyncSchema,
} from './client-events';
import { ErrorCode } from './errors';
import type { ClientEventName, ServerEventName } from './events';
import {
  AckedSchema,
  ConnectedSchema,
  ErrorEventSchema,
  JoinedRoomSchema,
  LeftRoomSchema,
  MarkedReadSchema,
  MessageDeletedSchema,
  MessageEditedSchema,
  MessagePinnedSchema,
  MessageSentSchema,
  MessageStatusEventSchema,
  MessagesSchema,
  NewMessageSchema,
  OnlineUsersSchema,
  ParticipantRemovedSchema,
  ReactionUpdatedSchema,
  ReadReceiptSchema,
  ReauthenticatedSchema,
  RoomUpdatedSchema,
  SyncedSchema,
  ThreadSchema,
  ThreadUpdatedSchema,
  TokenExpiringSchema,
  UserJoinedSchema,
  UserLeftSchema,
  UserTypingSchema,
} from './server-events';
import type { AckFn, ClientToServerEvents, ServerToClientEvents } from './socket-types';

// The Socket.IO protocol as data: every event's schemas, so the AsyncAPI document is generated
// from the same schemas the gateway validates with. The mapped types below make the compiler
// refuse a catalog that misses an event or disagrees with socket-types.ts.

type PayloadOf<F> = F extends (payload: infer P, ...rest: never[]) => void ? P : never;
type AckOf<F> = F extends (payload: never, ack?: AckFn<infer T>) => void ? T : never;
type SchemaOf<T> = TSchema & { static: T };

export interface ClientEventSpec<P, A> {
  summary: string;
  payload: SchemaOf<P>;
  /** What `{ ok: true, ... }` carries besides `ok`. */
  ack: SchemaOf<A>;
  /** The seed's named reply, emitted to the sender after the ack. */
  reply?: ServerEventName;
}

export interface ServerEventSpec<P> {
  summary: string;
  payload: SchemaOf<P>;
}

export type ClientEventCatalog = {
  [K in ClientEventName]: ClientEventSpec<PayloadOf<ClientToServerEvents[K]>, AckOf<ClientToServerEvents[K]>>;
};
export type ServerEventCatalog = { [K in ServerEventName]: ServerEventSpec<PayloadOf<ServerToClientEvents[K]>> };

export const CLIENT_EVENTS: ClientEventCatalog = {
  join_room: { summary: 'Join a room the caller is a member of.', payload: RoomRefSchema, ack: JoinedRoomSchema, reply: 'joined_room' },
  leave_room: {
    summary: "Stop receiving a room's events on this socket.",
    payload: RoomRefSchema,
    ack: LeftRoomSchema,
    reply: 'left_room',
  },
  send_message: {
    summary: 'Send a message; a retry with the same idempotencyKey is answered with the first result (duplicate: true).',
    payload: SendMessageSchema,
    ack: MessageSentSchema,
    reply: 'message_sent',
  },
  typing_start: {
    summary: 'The caller started typing; the room hears user_typing at most once a second.',
    payload: RoomRefSchema,
    ack: RoomRefSchema,
  },
  typing_stop: { summary: 'The caller stopped typing.', payload: RoomRefSchema, ack: RoomRefSchema },
  mark_read: {
    summary: "Move the caller's read cursor to a message; the room hears read_receipt.",
    payload: MarkReadSchema,
    ack: MarkedReadSchema,
  },
  get_messages: {
    summary: 'The newest `limit` messages after skipping `skip`, oldest first.',
    payload: GetMessagesSchema,
    ack: MessagesSchema,
    reply: 'messages',
  },
  get_online_users: { summary: "The room's members online now.", payload: RoomRefSchema, ack: OnlineUsersSchema, reply: 'online_users' },
  sync: {
    summary: 'Messages after a seq (gap-free catch-up), and with afterRev the changes to older ones.',
    payload: SyncSchema,
    ack: SyncedSchema,
    reply: 'synced',
  },
  ack: { summary: "Move the caller's delivered cursor; messages up to seq become DELIVERED.", payload: AckSchema, ack: AckedSchema },
  edit_message: { summary: "Edit one's own message.", payload: EditMessageSchema, ack: MessageEditedSchema },
  delete_message: {
    summary: 'Delete a message (its sender, or a moderator and above).',
    payload: MessageRefSchema,
    ack: MessageDeletedSchema,
  },
  add_reaction: { summary: 'React to a message with an emoji.', payload: ReactionSchema, ack: ReactionUpdatedSchema },
  remove_reaction: { summary: "Take back one's reaction.", payload: ReactionSchema, ack: ReactionUpdatedSchema },
  pin_message: { summary: 'Pin a message (moderators and above).', payload: MessageRefSchema, ack: MessagePinnedSchema },
  unpin_message: { summary: 'Unpin a message (moderators and above).', payload: MessageRefSchema, ack: MessagePinnedSchema },
  get_thread: { summary: "A thread's root and its replies by seq.", payload: GetThreadSchema, ack: ThreadSchema, reply: 'thread' },
  reauthenticate: {
    summary: "A fresh token for the same user moves the socket's expiry.",
    payload: ReauthenticateSchema,
    ack: ReauthenticatedSchema,
  },
};

export const SERVER_EVENTS: ServerEventCatalog = {
  connected: { summary: 'The handshake succeeded.', payload: ConnectedSchema },
  joined_room: { summary: 'Named reply to join_room.', payload: JoinedRoomSchema },
  left_room: { summary: 'Named reply to leave_room.', payload: LeftRoomSchema },
  new_message: { summary: 'A message was sent to a room the socket is in.', payload: NewMessageSchema },
  message_sent: { summary: 'Named reply to send_message.', payload: MessageSentSchema },
  user_typing: { summary: 'Someone in the room started or stopped typing.', payload: UserTypingSchema },
  read_receipt: { summary: "A member's read cursor moved.", payload: ReadReceiptSchema },
  online_users: { summary: 'Named reply to get_online_users.', payload: OnlineUsersSchema },
  user_joined: { summary: "A member joined the room, or a member's first socket connected.", payload: UserJoinedSchema },
  user_left: { summary: "A member left the room, or a member's last socket closed.", payload: UserLeftSchema },
  messages: { summary: 'Named reply to get_messages.', payload: MessagesSchema },
  synced: { summary: 'Named reply to sync.', payload: SyncedSchema },
  message_status: {
    summary: 'Messages became DELIVERED or READ (explicit ids, or every message up to a seq).',
    payload: MessageStatusEventSchema,
  },
  message_edited: { summary: 'A message was edited.', payload: MessageEditedSchema },
  message_deleted: { summary: 'A message was deleted (a tombstone keeps its seq).', payload: MessageDeletedSchema },
  reaction_updated: { summary: "A message's reactions changed.", payload: ReactionUpdatedSchema },
  message_pinned: { summary: 'A message was pinned or unpinned.', payload: MessagePinnedSchema },
  thread_updated: { summary: "A thread root's summary changed.", payload: ThreadUpdatedSchema },
  attachment_updated: {
    summary: "To the uploader's sockets: an attachment was processed (ready) or quarantined.",
    payload: AttachmentUpdatedSchema,
  },
  thread: { summary: 'Named reply to get_thread.', payload: ThreadSchema },
  participant_removed: { summary: 'A member was removed from the room (or banned).', payload: ParticipantRemovedSchema },
  room_updated: { summary: "The room's name, description or settings changed.", payload: RoomUpdatedSchema },
  token_expiring: { summary: "The socket's token expires then: reauthenticate before it.", payload: TokenExpiringSchema },
  error: { summary: 'A client event was refused (its ack, if any, failed the same way).', payload: ErrorEventSchema },
};

export const AckErrorSchema = Type.Object({
  code: Type.Union(Object.values(ErrorCode).map((code) => Type.Literal(code))),
  message: Type.String(),
  /** With RATE_LIMITED: how long until the same request may succeed. */
  retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** The shape of an ack callback's argument: `{ ok: true, ...payload }` or `{ ok: false, error }`. */
export function ackResponseSchema(payload: TSchema): TSchema {
  return Type.Union([
    Type.Intersect([Type.Object({ ok: Type.Literal(true) }), payload]),
    Type.Object({ ok: Type.Literal(false), error: AckErrorSchema }),
  ]);
}
