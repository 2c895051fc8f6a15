import { TypingRoster, typingLine } from '../src/app/typing-roster';

describe('typing line', () => {
  it('names who is typing, in the order they started', () => {
    let now = 0;
    const roster = new TypingRoster(() => now, 1000);
    roster.update('r', 'ana', true);
    roster.update('r', 'ben', true);
    expect(typingLine(roster.typists('r'))).toBe('ana and ben are typing…');
    roster.update('r', 'ana', false);
    expect(typingLine(roster.typists('r'))).toBe('ben is typing…');
    now = 500;
    roster.update('r', 'cleo', true);
    expect(roster.typists('other-room')).toEqual([]);
    expect(roster.nextExpiry('r')).toBe(1000);
  });

  it('drops a typist whose stop never came once the lapse has passed', () => {
    let now = 0;
    const roster = new TypingRoster(() => now, 1000);
    roster.update('r', 'ana', true);
    now = 1000;
    expect(roster.typists('r')).toEqual([]);
    expect(typingLine([])).toBe('');
  });

  it('forgets everybody on clear (after a reconnect)', () => {
    const roster = new TypingRoster();
    roster.update('r', 'ana', true);
    roster.clear();
    expect(roster.typists('r')).toEqual([]);
  });
});
