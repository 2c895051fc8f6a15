import type { ChatMessage } from '@campzone/client';
import { actionsFor, type RoomPowers } from '../src/app/message-actions';
import type { MessageEntry } from '../src/app/room-messages.model';

const member: RoomPowers = { post: true, react: true, deleteOthers: false, pin: false };
const moderator: RoomPowers = { post: true, react: true, deleteOthers: true, pin: true };
const readonly: RoomPowers = { post: false, react: false, deleteOthers: false, pin: false };

function entry(own: boolean, overrides: Partial<ChatMessage> = {}): MessageEntry {
  const message: ChatMessage = {
    messageId: 'a'.repeat(24),
    roomId: 'room-a',
    senderId: own ? 'me' : 'ben',
    content: 'hello',
    messageType: 'text',
    lamportTimestamp: 1,
    seq: 1,
    createdAt: new Date(0).toISOString(),
    status: 'PENDING',
    ...overrides,
  };
  return {
    key: message.messageId,
    messageId: message.messageId,
    seq: 1,
    senderId: message.senderId,
    content: 'hello',
    createdAt: message.createdAt,
    own,
    readers: [],
    readByAll: false,
    message,
  };
}

describe('message actions', () => {
  it('offers edit and delete on own messages, delete and pin on others only to moderators', () => {
    expect(actionsFor(entry(true), member)).toEqual(['reply', 'react', 'thread', 'edit', 'delete']);
    expect(actionsFor(entry(false), member)).toEqual(['reply', 'react', 'thread']);
    expect(actionsFor(entry(false), moderator)).toEqual(['reply', 'react', 'thread', 'delete', 'pin']);
    expect(actionsFor(entry(false, { pinned: true }), moderator)).toContain('unpin');
  });

  it('offers nothing that changes a deleted message, nor anything on a send still pending', () => {
    expect(actionsFor(entry(true, { deletedAt: new Date().toISOString() }), moderator)).toEqual([]);
    const threaded = entry(false, { deletedAt: new Date().toISOString(), thread: { replyCount: 2, lastReplyAt: 'x', repliers: [] } });
    expect(actionsFor(threaded, moderator)).toEqual(['thread']);
    const { message: _stored, ...pending } = entry(true);
    expect(actionsFor(pending, moderator)).toEqual([]);
  });

  it('a read-only member may only open threads', () => {
    expect(actionsFor(entry(false), readonly)).toEqual(['thread']);
  });
});
