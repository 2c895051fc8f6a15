import type { MessageChange } from '../src/message-change';
import { MessageChangeLedger } from '../src/message-change-ledger';
import { chatMessage } from './messages';

const message = chatMessage('room-a', 1, { rev: 1 });
const ref = { roomId: 'room-a', messageId: message.messageId };
const edit = (rev: number, content: string): MessageChange => ({ ...ref, kind: 'edited', rev, content, editedAt: `t${rev}` });
const react = (rev: number, emoji: string, count: number): MessageChange => ({
  ...ref,
  kind: 'reaction',
  rev,
  emoji,
  userId: 'bob',
  added: true,
  count,
});

describe('MessageChangeLedger', () => {
  it('passes each change once: a repeat of the same rev (broadcast after the own ack) is dropped', () => {
    const ledger = new MessageChangeLedger();
    ledger.presented(message);
    expect(ledger.change(edit(2, 'a'))).toMatchObject({ rev: 2 });
    expect(ledger.change(edit(2, 'a'))).toBeUndefined();
  });

  it('drops a change to a field that is older than what it already passed for that field', () => {
    const ledger = new MessageChangeLedger();
    ledger.presented(message);
    expect(ledger.change(edit(5, 'newer'))).toBeDefined();
    expect(ledger.change(edit(4, 'older, told late by another pod'))).toBeUndefined();
  });

  it('keeps a change to another field that arrives after a newer one: two pods may tell them in either order', () => {
    const ledger = new MessageChangeLedger();
    ledger.presented(message);
    expect(ledger.change(react(11, '🎉', 1))).toBeDefined();
    expect(ledger.change(react(10, '👍', 1))).toBeDefined();
    expect(ledger.change({ ...ref, kind: 'pinned', rev: 9, pinned: true, by: 'ada' })).toBeDefined();
    expect(ledger.change(react(8, '👍', 3))).toBeUndefined();
  });

  it('drops changes below the presented state, and applies those that overtook the message to it', () => {
    const ledger = new MessageChangeLedger();
    // The pin and the edit were told before the message itself (another pod was quicker).
    expect(ledger.change({ ...ref, kind: 'pinned', rev: 3, pinned: true, by: 'ada' })).toBeDefined();
    expect(ledger.change(edit(4, 'fixed'))).toBeDefined();
    const shown = ledger.presented({ ...message, rev: 3, pinned: true });
    expect(shown).toMatchObject({ content: 'fixed', pinned: true, editedAt: 't4' });
    expect(ledger.change(edit(3, 'stale'))).toBeUndefined();
  });

  it('a delete ends the message: no later-told edit, reaction or pin is passed, the thread summary still is', () => {
    const ledger = new MessageChangeLedger();
    ledger.presented(message);
    expect(ledger.change({ ...ref, kind: 'deleted', rev: 6, deletedAt: 'd', deletedBy: 'bob' })).toBeDefined();
    expect(ledger.change(react(5, '👍', 1))).toBeUndefined();
    expect(ledger.change(edit(4, 'x'))).toBeUndefined();
    expect(ledger.change({ ...ref, kind: 'thread', rev: 7, thread: { replyCount: 1, lastReplyAt: 't', repliers: ['cy'] } })).toBeDefined();
  });

  it('passes a whole state only when its rev is above everything held for the message', () => {
    const ledger = new MessageChangeLedger();
    ledger.presented(message);
    ledger.change(edit(4, 'seen live'));
    expect(ledger.state({ ...message, content: 'seen live', rev: 4 })).toBeUndefined();
    expect(ledger.state({ ...message, content: 'older', rev: 3 })).toBeUndefined();
    expect(ledger.state({ ...message, content: 'newer', rev: 7 })).toMatchObject({ kind: 'state', rev: 7 });
    expect(ledger.change(edit(6, 'older than the state'))).toBeUndefined();
    expect(ledger.change(react(8, '👍', 1))).toBeDefined();
  });

  it('refreshes only messages it presented, and ignores changes without a valid rev', () => {
    const ledger = new MessageChangeLedger();
    expect(ledger.refreshed({ ...message, rev: 5 })).toBeUndefined();
    ledger.presented(message);
    expect(ledger.refreshed({ ...message, rev: 1 })).toBeUndefined();
    expect(ledger.refreshed({ ...message, content: 'edited meanwhile', rev: 5 })).toMatchObject({ kind: 'state', rev: 5 });
    expect(ledger.change(edit(Number.NaN, 'bad'))).toBeUndefined();
    expect(ledger.change(edit(-1, 'bad'))).toBeUndefined();
  });

  it('forgets the least recently touched message beyond its capacity', () => {
    const ledger = new MessageChangeLedger(2);
    for (let seq = 1; seq <= 3; seq++) ledger.presented(chatMessage('room-a', seq, { rev: seq }));
    expect(ledger.size).toBe(2);
  });
});
