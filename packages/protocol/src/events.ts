/** Socket event names, exactly as the seed names them, plus `sync`/`synced`, `ack` and message changes. */
export const ClientEvent = {
  JOIN_ROOM: 'join_room',
  LEAVE_ROOM: 'leave_room',
  SEND_MESSAGE: 'send_message',
  TYPING_START: 'typing_start',
  TYPING_STOP: 'typing_stop',
  MARK_READ: 'mark_read',
  GET_MESSAGES: 'get_messages',
  GET_ONLINE_USERS: 'get_online_users',
  SYNC: 'sync',
  ACK: 'ack',
  EDIT_MESSAGE: 'edit_message',
  DELETE_MESSAGE: 'delete_message',
  ADD_REACTION: 'add_reaction',
  REMOVE_REACTION: 'remove_reaction',
  PIN_MESSAGE: 'pin_message',
  UNPIN_MESSAGE: 'unpin_message',
  GET_THREAD: 'get_thread',
  REAUTHENTICATE: 'reauthenticate',
} as const;
export type ClientEventName = (typeof ClientEvent)[keyof typeof ClientEvent];

export const ServerEvent = {
  CONNECTED: 'connected',
  JOINED_ROOM: 'joined_room',
  LEFT_ROOM: 'left_room',
  NEW_MESSAGE: 'new_message',
  MESSAGE_SENT: 'message_sent',
  USER_TYPING: 'user_typing',
  READ_RECEIPT: 'read_receipt',
  ONLINE_USERS: 'online_users',
  USER_JOINED: 'user_joined',
  USER_LEFT: 'user_left',
  MESSAGES: 'messages',
  SYNCED: 'synced',
  MESSAGE_STATUS: 'message_status',
  MESSAGE_EDITED: 'message_edited',
  MESSAGE_DELETED: 'message_deleted',
  REACTION_UPDATED: 'reaction_updated',
  MESSAGE_PINNED: 'message_pinned',
  THREAD_UPDATED: 'thread_updated',
  THREAD: 'thread',
  PARTICIPANT_REMOVED: 'participant_removed',
  ROOM_UPDATED: 'room_updated',
  TOKEN_EXPIRING: 'token_expiring',
  ATTACHMENT_UPDATED: 'attachment_updated',
  ERROR: 'error',
} as const;
export type ServerEventName = (typeof ServerEvent)[keyof typeof ServerEvent];

/** Socket.IO room names shared by the gateway and the worker's emitter. */
export const roomChannel = (roomId: string): string => `room:${roomId}`;
export const userChannel = (userId: string): string => `user:${userId}`;
