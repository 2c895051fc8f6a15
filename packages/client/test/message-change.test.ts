import { applyMessageChange, type MessageChange } from '../src/message-change';
import { chatMessage } from './messages';

const base = chatMessage('room-a', 1, { rev: 1, content: 'teh exam', mentions: ['ana'] });
const ref = { roomId: 'room-a', messageId: base.messageId };

describe('applyMessageChange', () => {
  it('an edit replaces the content and marks the message edited, leaving the input untouched', () => {
    const edited = applyMessageChange(base, { ...ref, kind: 'edited', rev: 4, content: 'the exam', editedAt: '2024-01-01T10:00:00.000Z' });
    expect(edited).toMatchObject({ content: 'the exam', editedAt: '2024-01-01T10:00:00.000Z', rev: 4 });
    expect(base.content).toBe('teh exam');
  });

  it('a delete leaves a tombstone in place: no content, reactions, pin or mentions; seq kept', () => {
    const decorated = { ...base, pinned: true, reactions: [{ emoji: '👍', count: 2, me: true }], editedAt: 'x' };
    const deleted = applyMessageChange(decorated, {
      ...ref,
      kind: 'deleted',
      rev: 9,
      deletedAt: '2024-01-02T00:00:00.000Z',
      deletedBy: 'bob',
    });
    expect(deleted).toMatchObject({ content: '', deletedAt: '2024-01-02T00:00:00.000Z', deletedBy: 'bob', seq: 1, rev: 9 });
    for (const gone of ['pinned', 'reactions', 'editedAt', 'mentions']) expect(deleted).not.toHaveProperty(gone);
  });

  it('a deleted message takes no edit, reaction or pin, but keeps its thread summary current', () => {
    const tomb = applyMessageChange(base, { ...ref, kind: 'deleted', rev: 2, deletedAt: 'd', deletedBy: 'bob' });
    const changes: MessageChange[] = [
      { ...ref, kind: 'edited', rev: 3, content: 'back', editedAt: 'e' },
      { ...ref, kind: 'reaction', rev: 4, emoji: '👍', userId: 'cy', added: true, count: 1 },
      { ...ref, kind: 'pinned', rev: 5, pinned: true, by: 'cy' },
    ];
    for (const change of changes) expect(applyMessageChange(tomb, change)).toBe(tomb);
    const thread = { replyCount: 2, lastReplyAt: 't', repliers: ['cy'] };
    expect(applyMessageChange(tomb, { ...ref, kind: 'thread', rev: 6, thread }).thread).toEqual(thread);
  });

  it('reactions: counts replace, new emoji go last, count 0 removes, `me` only changes for the own user', () => {
    let m = applyMessageChange(base, { ...ref, kind: 'reaction', rev: 2, emoji: '👍', userId: 'bob', added: true, count: 1 });
    m = applyMessageChange(m, { ...ref, kind: 'reaction', rev: 3, emoji: '🎉', userId: 'alice', added: true, count: 1, me: true });
    m = applyMessageChange(m, { ...ref, kind: 'reaction', rev: 4, emoji: '🎉', userId: 'bob', added: true, count: 2 });
    expect(m.reactions).toEqual([
      { emoji: '👍', count: 1, me: false },
      { emoji: '🎉', count: 2, me: true },
    ]);
    m = applyMessageChange(m, { ...ref, kind: 'reaction', rev: 5, emoji: '👍', userId: 'bob', added: false, count: 0 });
    m = applyMessageChange(m, { ...ref, kind: 'reaction', rev: 6, emoji: '🎉', userId: 'alice', added: false, count: 1, me: false });
    expect(m.reactions).toEqual([{ emoji: '🎉', count: 1, me: false }]);
    m = applyMessageChange(m, { ...ref, kind: 'reaction', rev: 7, emoji: '🎉', userId: 'bob', added: false, count: 0 });
    expect(m).not.toHaveProperty('reactions');
  });

  it('pins and unpins; a whole state replaces the message; a change of another message changes nothing', () => {
    const pinned = applyMessageChange(base, { ...ref, kind: 'pinned', rev: 2, pinned: true, by: 'ada' });
    expect(pinned.pinned).toBe(true);
    expect(applyMessageChange(pinned, { ...ref, kind: 'pinned', rev: 3, pinned: false, by: 'ada' })).not.toHaveProperty('pinned');
    const state = { ...base, content: 'as it is now', rev: 8 };
    expect(applyMessageChange(base, { ...ref, kind: 'state', rev: 8, message: state })).toEqual(state);
    const other = { ...ref, messageId: 'ffffffffffffffffffffffff', kind: 'pinned' as const, rev: 9, pinned: true, by: 'ada' };
    expect(applyMessageChange(base, other)).toBe(base);
  });
});
