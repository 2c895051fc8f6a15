// `@` completion in the composer, without the DOM: what is being typed, who matches, and the
// text after choosing someone. The gateway resolves `@userId` (and `@room`) against the room's
// members when the message is sent, so the completion inserts exactly that.

export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  /** What follows it up to the caret. */
  text: string;
}

/** The characters of a user id (the protocol's ID_PATTERN). */
const ID_CHARS = /^[A-Za-z0-9_-]*$/;
const MAX_QUERY = 64;

/** The `@…` word the caret is at the end of, if any (an `@` at the start or after a space). */
export function mentionAt(value: string, caret: number): MentionQuery | undefined {
  const before = value.slice(0, caret);
  const start = before.lastIndexOf('@');
  if (start < 0 || caret - start - 1 > MAX_QUERY) return undefined;
  // Like the gateway: an `@` right after an id character (mail@example.org) mentions nobody.
  if (start > 0 && /[A-Za-z0-9_-]/.test(before[start - 1] ?? '')) return undefined;
  const text = before.slice(start + 1);
  if (!ID_CHARS.test(text)) return undefined;
  return { start, text };
}

/** Members whose id starts with the query (case-insensitive), then those containing it; `room` for everyone. */
export function mentionCandidates(query: string, members: readonly string[], selfId: string, limit = 8): string[] {
  const q = query.toLowerCase();
  const others = [...members.filter((m) => m !== selfId), 'room'];
  const starts = others.filter((m) => m.toLowerCase().startsWith(q));
  const contains = others.filter((m) => !m.toLowerCase().startsWith(q) && m.toLowerCase().includes(q));
  return [...starts.sort(), ...contains.sort()].slice(0, limit);
}

/** The composer's text with the query replaced by `@userId ` and where the caret goes. */
export function insertMention(value: string, query: MentionQuery, caret: number, userId: string): { value: string; caret: number } {
  const inserted = `@${userId} `;
  const after = value.slice(caret).replace(/^\s/, '');
  return { value: value.slice(0, query.start) + inserted + after, caret: query.start + inserted.length };
}
