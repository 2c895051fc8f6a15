import { parseParticipants } from '../src/app/participants-input';

describe('participants field', () => {
  it('takes ids separated by commas or spaces, without the creator or repeats', () => {
    expect(parseParticipants(' ben, cleo dara,,ben ana ', 'ana')).toEqual({ userIds: ['ben', 'cleo', 'dara'] });
    expect(parseParticipants('', 'ana')).toEqual({ userIds: [] });
  });

  it('names the entries that are not user ids', () => {
    expect(parseParticipants('ben, c.l.e.o, $where', 'ana')).toEqual({ error: expect.stringContaining('c.l.e.o, $where') });
  });
});
