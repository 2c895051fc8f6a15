import { insertMention, mentionAt, mentionCandidates } from '../src/app/mention-query';

describe('@ completion', () => {
  it('finds the @word the caret ends, at the start or after a space, and not inside an address', () => {
    expect(mentionAt('@an', 3)).toEqual({ start: 0, text: 'an' });
    expect(mentionAt('hi @be', 6)).toEqual({ start: 3, text: 'be' });
    expect(mentionAt('hi @', 4)).toEqual({ start: 3, text: '' });
    expect(mentionAt('mail@example', 12)).toBeUndefined();
    expect(mentionAt('hi @ben and', 11)).toBeUndefined(); // the caret left the word
    expect(mentionAt('(@cy', 4)).toEqual({ start: 1, text: 'cy' });
  });

  it('lists members starting with the query first, then containing it, without the user, and @room', () => {
    const members = ['ana', 'ben', 'dana', 'me', 'anders'];
    expect(mentionCandidates('an', members, 'me')).toEqual(['ana', 'anders', 'dana']);
    expect(mentionCandidates('', members, 'me')).toEqual(['ana', 'anders', 'ben', 'dana', 'room']);
    expect(mentionCandidates('ro', members, 'me')).toEqual(['room']);
    expect(mentionCandidates('zz', members, 'me')).toEqual([]);
  });

  it('replaces the query with @userId and a space, and puts the caret after it', () => {
    const query = mentionAt('see @be tomorrow', 7)!;
    expect(insertMention('see @be tomorrow', query, 7, 'ben')).toEqual({ value: 'see @ben tomorrow', caret: 9 });
    expect(insertMention('@a', mentionAt('@a', 2)!, 2, 'ana')).toEqual({ value: '@ana ', caret: 5 });
  });
});
