/**
 * The seed's key format, `${userId}-${Date.now()}-${Math.random()}`. The server deduplicates
 * on (sender, key), so the key only has to be unique per sender; it is created once per
 * message and reused for every resend of that message.
 */
export function createIdempotencyKey(userId: string, now: number = Date.now(), random: number = Math.random()): string {
  return `${userId}-${now}-${random}`;
}
