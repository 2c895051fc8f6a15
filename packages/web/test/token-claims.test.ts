import { isExpired, readTokenClaims } from '../src/app/token-claims';

function jwt(payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.signature`;
}

describe('token claims', () => {
  it('reads sub, username and exp, including non-ASCII names', () => {
    expect(readTokenClaims(jwt({ sub: 'ana', username: 'Ana Ñúñez', exp: 2_000_000_000 }))).toEqual({
      sub: 'ana',
      username: 'Ana Ñúñez',
      exp: 2_000_000_000,
    });
  });

  it('refuses what is not a JWT with a subject', () => {
    expect(readTokenClaims('not a token')).toBeUndefined();
    expect(readTokenClaims(jwt({ username: 'x' }))).toBeUndefined();
    expect(readTokenClaims('a.%%%.c')).toBeUndefined();
  });

  it('calls a token expired a minute early, for clock skew', () => {
    const now = 1_700_000_000_000;
    expect(isExpired({ sub: 'a', exp: now / 1000 + 30 }, now)).toBe(true);
    expect(isExpired({ sub: 'a', exp: now / 1000 + 3600 }, now)).toBe(false);
    expect(isExpired({ sub: 'a' }, now)).toBe(false);
  });
});
