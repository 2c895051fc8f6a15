import type { ChatMessage, HistoryResponse } from '@campzone/protocol';

/** Older messages per page when scrolling up. */
export const OLDER_PAGE = 50;

/**
 * Paging back through a room's history (REST `GET /v1/rooms/:roomId/messages?beforeSeq=`):
 * one page in flight per room, and a room whose first message has been reached is not asked
 * again. The SDK presents the recent messages; this reaches the ones before them.
 */
export class OlderHistory {
  private readonly loading = new Set<string>();
  private readonly exhausted = new Set<string>();

  constructor(private readonly page: (roomId: string, beforeSeq: number, limit: number) => Promise<HistoryResponse>) {}

  /** Whether older messages may exist before `oldestSeq` (seqs start at 1). */
  mayHaveOlder(roomId: string, oldestSeq: number | undefined): boolean {
    return oldestSeq !== undefined && oldestSeq > 1 && !this.exhausted.has(roomId);
  }

  isLoading(roomId: string): boolean {
    return this.loading.has(roomId);
  }

  /** The page before oldestSeq, or undefined when one is already in flight or none is left. */
  async before(roomId: string, oldestSeq: number | undefined): Promise<ChatMessage[] | undefined> {
    if (oldestSeq === undefined || !this.mayHaveOlder(roomId, oldestSeq) || this.loading.has(roomId)) return undefined;
    this.loading.add(roomId);
    try {
      const { messages, hasMore } = await this.page(roomId, oldestSeq, OLDER_PAGE);
      if (!hasMore || messages.length === 0) this.exhausted.add(roomId);
      return messages;
    } finally {
      this.loading.delete(roomId);
    }
  }

  forget(roomId: string): void {
    this.exhausted.delete(roomId);
  }
}
