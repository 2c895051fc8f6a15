export interface StatusPlan {
  /** Every message up to here has reached the status: every member's cursor passed it. */
  uptoSeq: number;
  /**
   * Set when one member alone has the lowest cursor: their own messages in (uptoSeq, upto]
   * reached the status too, since a sender needs neither to ack nor to read what they sent.
   */
  laggard?: { userId: string; uptoSeq: number };
}

/**
 * Where a status (DELIVERED or READ) stands in a room, from each member's cursor for it.
 * Everything up to the lowest cursor qualifies. Above it, only that member may lag; when they
 * are the only one at the lowest cursor, their own messages up to the next-lowest cursor
 * qualify as well (a single-member room: all of their own messages).
 */
export function planStatus(cursors: ReadonlyArray<{ userId: string; seq: number }>): StatusPlan | null {
  if (cursors.length === 0) return null;
  const sorted = [...cursors].sort((a, b) => a.seq - b.seq);
  const lowest = sorted[0]!;
  const next = sorted[1];
  if (next === undefined) return { uptoSeq: lowest.seq, laggard: { userId: lowest.userId, uptoSeq: Number.POSITIVE_INFINITY } };
  if (next.seq === lowest.seq) return { uptoSeq: lowest.seq };
  return { uptoSeq: lowest.seq, laggard: { userId: lowest.userId, uptoSeq: next.seq } };
}
