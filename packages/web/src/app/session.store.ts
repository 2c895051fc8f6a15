import type { KeyValueStorage } from '@campzone/client';
import { isExpired, readTokenClaims } from './token-claims';

/** Who this tab is signed in as. */
export interface Session {
  token: string;
  userId: string;
  displayName: string;
}

// sessionStorage, not localStorage: each tab keeps its own sign-in, so two people (or one
// person testing) can chat from two tabs of one browser.
const KEY = 'campzone:session';

export function loadSession(storage: KeyValueStorage | undefined): Session | undefined {
  const raw = storage?.getItem(KEY);
  if (!raw) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { token, displayName } = value as Record<string, unknown>;
    if (typeof token !== 'string') return undefined;
    const claims = readTokenClaims(token);
    if (!claims || isExpired(claims)) return undefined;
    return { token, userId: claims.sub, displayName: typeof displayName === 'string' && displayName ? displayName : claims.sub };
  } catch {
    return undefined;
  }
}

export function saveSession(storage: KeyValueStorage | undefined, session: Session): void {
  storage?.setItem(KEY, JSON.stringify({ token: session.token, displayName: session.displayName }));
}

export function clearSession(storage: KeyValueStorage | undefined): void {
  storage?.removeItem(KEY);
}
