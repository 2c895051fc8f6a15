import type { KeyValueStorage } from '@campzone/client';
import { clearSession, loadSession, saveSession } from '../src/app/session.store';

function memory(): KeyValueStorage {
  const map = new Map<string, string>();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

function jwt(payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(payload)}.sig`;
}

describe('session store', () => {
  it('restores a saved session, the user id coming from the token', () => {
    const storage = memory();
    const token = jwt({ sub: 'ana', exp: Date.now() / 1000 + 3600 });
    saveSession(storage, { token, userId: 'someone-else', displayName: 'Ana' });
    expect(loadSession(storage)).toEqual({ token, userId: 'ana', displayName: 'Ana' });
    clearSession(storage);
    expect(loadSession(storage)).toBeUndefined();
  });

  it('does not restore an expired token or garbage', () => {
    const storage = memory();
    saveSession(storage, { token: jwt({ sub: 'ana', exp: 1 }), userId: 'ana', displayName: 'Ana' });
    expect(loadSession(storage)).toBeUndefined();
    storage.setItem('campzone:session', '{not json');
    expect(loadSession(storage)).toBeUndefined();
  });
});
