import { type PostingRules, postingState, rulesFromRefusal } from '../src/app/posting-state';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const member: PostingRules = { role: 'member', postingPolicy: 'everyone', slowModeSeconds: 0, archived: false };
const iso = (ms: number) => new Date(ms).toISOString();

describe('why a member cannot post', () => {
  it('lets a member post in an open room, with no line', () => {
    expect(postingState(member, NOW)).toEqual({ canPost: true, line: '' });
  });

  it('says an archived room takes no posts, from anyone', () => {
    expect(postingState({ ...member, role: 'owner', archived: true }, NOW)).toMatchObject({
      canPost: false,
      line: expect.stringMatching(/archived/),
    });
  });

  it('says an announcement room is for its staff, and lets a moderator post there', () => {
    expect(postingState({ ...member, postingPolicy: 'admins' }, NOW)).toMatchObject({
      canPost: false,
      line: expect.stringMatching(/announcement room/),
    });
    expect(postingState({ ...member, role: 'moderator', postingPolicy: 'admins' }, NOW).canPost).toBe(true);
  });

  it('says until when a member is muted, and lets them post once it is over', () => {
    const until = NOW + 3_600_000;
    expect(postingState({ ...member, mutedUntil: iso(until) }, NOW, iso)).toEqual({
      canPost: false,
      line: `You are muted in this room until ${iso(until)}.`,
      recheckAt: until,
    });
    expect(postingState({ ...member, mutedUntil: iso(until) }, until).canPost).toBe(true);
  });

  it('counts slow mode down by the second from the wait the gateway gave', () => {
    const rules = { ...member, slowModeSeconds: 30, slowUntil: NOW + 12_400 };
    expect(postingState(rules, NOW)).toEqual({ canPost: false, line: 'Slow mode: you can post again in 13 s.', recheckAt: NOW + 400 });
    expect(postingState(rules, NOW + 400).line).toBe('Slow mode: you can post again in 12 s.');
    expect(postingState(rules, NOW + 12_400)).toEqual({ canPost: true, line: 'Slow mode: one message every 30 s.' });
    expect(postingState({ ...rules, role: 'admin' }, NOW)).toEqual({ canPost: true, line: '' });
  });

  it('says a read-only member cannot post', () => {
    expect(postingState({ ...member, role: 'readonly' }, NOW)).toMatchObject({ canPost: false, line: expect.stringMatching(/read-only/) });
  });
});

describe("what a refused send tells about the room's rules", () => {
  it('reads the gateway refusals for mute, archive, announcements and slow mode', () => {
    expect(rulesFromRefusal({ code: 'FORBIDDEN', message: 'muted in room cs101 until 2026-03-02T11:00:00.000Z' }, NOW)).toEqual({
      mutedUntil: '2026-03-02T11:00:00.000Z',
    });
    expect(rulesFromRefusal({ code: 'FORBIDDEN', message: 'room cs101 is archived: it can be read, not written' }, NOW)).toEqual({
      archived: true,
    });
    expect(
      rulesFromRefusal({ code: 'FORBIDDEN', message: 'room cs101 is for announcements: only its moderators and admins post' }, NOW),
    ).toEqual({
      postingPolicy: 'admins',
    });
    expect(
      rulesFromRefusal(
        { code: 'RATE_LIMITED', message: 'slow mode: one message per 30 s in room cs101; retry in 9000 ms', retryAfterMs: 9000 },
        NOW,
      ),
    ).toEqual({ slowUntil: NOW + 9000 });
  });

  it('learns nothing from other refusals', () => {
    expect(rulesFromRefusal({ code: 'RATE_LIMITED', message: 'too many messages', retryAfterMs: 500 }, NOW)).toEqual({});
    expect(rulesFromRefusal({ code: 'FORBIDDEN', message: 'not a member of room cs101' }, NOW)).toEqual({});
  });
});
