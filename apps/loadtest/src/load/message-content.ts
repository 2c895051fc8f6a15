/**
 * Message content carries its send time, so a receiver can compute send-to-receive latency
 * without any side channel: `t=<epoch ms>;` then filler up to the requested payload size.
 */
const PREFIX = 't=';

export function makeContent(sentAtMs: number, payloadBytes: number): string {
  const head = `${PREFIX}${sentAtMs.toFixed(3)};`;
  return payloadBytes > head.length ? head + 'x'.repeat(payloadBytes - head.length) : head;
}

/** The send time written by makeContent, or undefined for content from anyone else. */
export function sentAtOf(content: string): number | undefined {
  if (!content.startsWith(PREFIX)) return undefined;
  const end = content.indexOf(';', PREFIX.length);
  if (end < 0) return undefined;
  const value = Number(content.slice(PREFIX.length, end));
  return Number.isFinite(value) ? value : undefined;
}

/**
 * An edit's new content: names its author and edit number, so every edit differs from the
 * content it replaces (an edit to the same content would be a no-op), padded like a send.
 */
export function makeEditContent(userId: string, editNumber: number, payloadBytes: number): string {
  const head = `edit ${editNumber} by ${userId};`;
  return payloadBytes > head.length ? head + 'y'.repeat(payloadBytes - head.length) : head;
}
