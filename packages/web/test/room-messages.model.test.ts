import type { ChatMessage, StatusChange } from '@campzone/client';
import { RoomMessages } from '../src/app/room-messages.model';

function message(seq: number, senderId = 'ben', overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    messageId: `${String(seq).padStart(4, '0')}${'a'.repeat(20)}`,
    roomId: 'room-a',
    senderId,
    content: `m${seq}`,
    messageType: 'text',
    lamportTimestamp: seq + 100,
    seq,
    createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    status: 'PENDING',
    ...overrides,
  };
}

const status = (change: Omit<StatusChange, 'roomId'>): StatusChange => ({ roomId: 'room-a', ...change });

describe('RoomMessages', () => {
  it('orders stored messages by seq, with a late one placed by its seq, and pending sends after them', () => {
    const room = new RoomMessages();
    room.present(message(1), { own: false, late: false });
    room.present(message(3), { own: false, late: false });
    room.addPending('local-1', 'ana', 'typed', new Date().toISOString());
    room.present(message(2), { own: false, late: true });
    expect(room.ordered().map((e) => e.content)).toEqual(['m1', 'm2', 'm3', 'typed']);
  });

  it('shows a message presented twice once', () => {
    const room = new RoomMessages();
    expect(room.present(message(1), { own: false, late: false })).toMatchObject({ added: true, duplicate: false });
    expect(room.present(message(1), { own: false, late: false })).toMatchObject({ added: false, duplicate: true });
    expect(room.size).toBe(1);
  });

  it('turns a pending send into its stored message on the same line, whatever arrives first', () => {
    const ackFirst = new RoomMessages();
    ackFirst.addPending('local-1', 'ana', 'hello', new Date().toISOString());
    const stored = message(7, 'ana', { content: 'hello' });
    ackFirst.applyStatus(status({ status: 'sent', localId: 'local-1', messageId: stored.messageId, seq: 7 }));
    const { entry, added } = ackFirst.present(stored, { own: true, localId: 'local-1', late: false });
    expect(added).toBe(false);
    expect(entry).toMatchObject({ key: 'local-1', messageId: stored.messageId, seq: 7, status: 'sent' });
    expect(ackFirst.size).toBe(1);

    const presentFirst = new RoomMessages();
    presentFirst.addPending('local-1', 'ana', 'hello', new Date().toISOString());
    presentFirst.present(stored, { own: true, localId: 'local-1', late: false });
    expect(presentFirst.ordered()).toHaveLength(1);
    expect(presentFirst.get('local-1')).toMatchObject({ seq: 7, status: 'sent' });
  });

  it('folds the pending line into the stored message when the broadcast came before the ack (the gateway’s order)', () => {
    const room = new RoomMessages();
    room.addPending('local-1', 'ana', 'hello', new Date().toISOString());
    const stored = message(3, 'ana', { content: 'hello' });
    room.present(stored, { own: true, late: false });
    expect(room.size).toBe(2);
    const applied = room.applyStatus(status({ status: 'sent', localId: 'local-1', messageId: stored.messageId, seq: 3 }));
    expect(applied).toMatchObject({ removedKey: 'local-1', entry: { key: stored.messageId, localId: 'local-1', seq: 3 } });
    expect(room.ordered().map((e) => e.key)).toEqual([stored.messageId]);
    // Later statuses by either id reach the one line.
    expect(
      room.applyStatus(status({ status: 'read', localId: 'local-1', messageId: stored.messageId, readBy: 'ben' }))?.entry.readers,
    ).toEqual(['ben']);
  });

  it('applies a status that arrived before its message once the message is shown', () => {
    const room = new RoomMessages();
    const stored = message(4, 'ana');
    room.applyStatus(status({ status: 'delivered', messageId: stored.messageId }));
    room.present(stored, { own: true, late: false });
    expect(room.get(stored.messageId)?.status).toBe('delivered');
  });

  it('collects readers of an own message and never moves its mark backwards', () => {
    const room = new RoomMessages();
    const stored = message(2, 'ana');
    room.present(stored, { own: true, late: false });
    room.applyStatus(status({ status: 'read', messageId: stored.messageId, readBy: 'ben' }));
    room.applyStatus(status({ status: 'read', messageId: stored.messageId, readBy: 'ben' }));
    room.applyStatus(status({ status: 'delivered', messageId: stored.messageId }));
    expect(room.get(stored.messageId)).toMatchObject({ status: 'read', readers: ['ben'], readByAll: false });
    room.applyStatus(status({ status: 'read', messageId: stored.messageId }));
    expect(room.get(stored.messageId)?.readByAll).toBe(true);
  });

  it('keeps no marks on other people’s messages', () => {
    const room = new RoomMessages();
    const stored = message(1, 'ben');
    room.present(stored, { own: false, late: false });
    room.applyStatus(status({ status: 'read', messageId: stored.messageId, readBy: 'cleo' }));
    expect(room.get(stored.messageId)?.status).toBeUndefined();
    expect(room.get(stored.messageId)?.readers).toEqual([]);
  });

  it('marks a send given up as failed, and a retry as sending again', () => {
    const room = new RoomMessages();
    room.addPending('local-1', 'ana', 'x', new Date().toISOString());
    room.applyStatus(status({ status: 'failed', localId: 'local-1' }));
    expect(room.get('local-1')).toMatchObject({ status: 'failed', failure: 'not sent' });
    room.applyStatus(status({ status: 'sending', localId: 'local-1' }));
    expect(room.get('local-1')?.status).toBe('sending');
    expect(room.get('local-1')?.failure).toBeUndefined();
  });

  it('lists others’ stored messages after a seq as unread', () => {
    const room = new RoomMessages();
    room.present(message(1, 'ben'), { own: false, late: false });
    room.present(message(2, 'ana'), { own: true, late: false });
    room.present(message(3, 'ben'), { own: false, late: false });
    expect(room.unreadFromOthers(1).map((e) => e.seq)).toEqual([3]);
  });
});

describe('RoomMessages and message changes', () => {
  it('applies edits, deletes and reactions to the stored message and its shown content', () => {
    const room = new RoomMessages();
    room.present(message(1), { own: false, late: false });
    const ref = { roomId: 'room-a', messageId: message(1).messageId };
    expect(room.applyChange({ ...ref, kind: 'edited', rev: 5, content: 'm1, fixed', editedAt: 'e' })).toMatchObject({
      content: 'm1, fixed',
    });
    room.applyChange({ ...ref, kind: 'reaction', rev: 6, emoji: '👍', userId: 'cy', added: true, count: 1 });
    expect(room.byMessageId(ref.messageId)?.message?.reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);
    room.applyChange({ ...ref, kind: 'deleted', rev: 7, deletedAt: 'd', deletedBy: 'ben' });
    expect(room.byMessageId(ref.messageId)).toMatchObject({ content: '', message: { deletedBy: 'ben' } });
    expect(room.applyChange({ ...ref, messageId: 'f'.repeat(24), kind: 'pinned', rev: 8, pinned: true, by: 'x' })).toBeUndefined();
  });

  it('knows the newest own message that can be edited, and the replies to a message', () => {
    const room = new RoomMessages();
    room.present(message(1, 'ana'), { own: true, late: false });
    room.present(message(2, 'ana', { replyTo: message(1).messageId }), { own: true, late: false });
    room.present(message(3), { own: false, late: false });
    room.addPending('local-9', 'ana', 'typing…', new Date().toISOString());
    expect(room.lastEditable()?.seq).toBe(2);
    room.applyChange({ roomId: 'room-a', messageId: message(2).messageId, kind: 'deleted', rev: 9, deletedAt: 'd', deletedBy: 'ana' });
    expect(room.lastEditable()?.seq).toBe(1);
    expect(room.repliesTo(message(1).messageId).map((e) => e.seq)).toEqual([2]);
  });
});
