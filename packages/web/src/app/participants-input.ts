// Same rule as the protocol's ID_PATTERN; checked here so a typo is reported next to the field.
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** "ben, cleo dara" -> ['ben', 'cleo', 'dara']; the creator and repeats are dropped. */
export function parseParticipants(text: string, selfId: string): { userIds: string[] } | { error: string } {
  const words = text.split(/[\s,;]+/).filter((w) => w.length > 0);
  const invalid = words.filter((w) => !USER_ID.test(w));
  if (invalid.length > 0) return { error: `Not a user id: ${invalid.join(', ')} (letters, digits, _ and - only)` };
  return { userIds: [...new Set(words)].filter((w) => w !== selfId) };
}

export function isUserId(text: string): boolean {
  return USER_ID.test(text);
}
