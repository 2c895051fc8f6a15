import type { ChatMessage } from '@campzone/protocol';
import { type PresentInfo, RoomTimeline, type RoomTimelineOptions, type SyncPage } from '../src/room-timeline';
import { FakeScheduler } from './fake-scheduler';
import { chatMessage } from './messages';

export const ROOM = 'room-a';

/** What the server has stored for the room, and how it answers `sync`. */
export class FakeRoomStore {
  readonly stored = new Map<number, ChatMessage>();
  /** Seqs the server stored as holes (allocated, given up): named in sync pages. */
  readonly holes = new Set<number>();
  readonly calls: Array<{ afterSeq: number; limit: number | undefined }> = [];
  /** Highest seq allocated (may exceed the highest stored: a hole, or a write in flight). */
  allocated = 0;
  failNext = 0;
  pageSize = 500;
  /** While set, every sync waits for it (a slow server). */
  gate: Promise<void> | undefined;

  store(...seqs: number[]): ChatMessage[] {
    return seqs.map((seq) => {
      const message = chatMessage(ROOM, seq);
      this.stored.set(seq, message);
      this.allocated = Math.max(this.allocated, seq);
      return message;
    });
  }

  fetch = async (afterSeq: number, limit?: number): Promise<SyncPage> => {
    this.calls.push({ afterSeq, limit });
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('UNAVAILABLE');
    }
    const all = [...this.stored.values()].filter((m) => m.seq > afterSeq).sort((a, b) => a.seq - b.seq);
    const page = all.slice(0, limit ?? this.pageSize);
    // Like the server's page, which holds holes and messages in seq order up to its limit.
    const top = all.length > page.length ? (page.at(-1)?.seq ?? afterSeq) : Number.POSITIVE_INFINITY;
    const holes = [...this.holes].filter((seq) => seq > afterSeq && seq <= top).sort((a, b) => a - b);
    return { messages: page, latestSeq: this.allocated, hasMore: all.length > page.length, holes };
  };
}

export function timelineHarness(overrides: Partial<RoomTimelineOptions> = {}) {
  const scheduler = new FakeScheduler();
  const store = new FakeRoomStore();
  const presented: Array<{ seq: number; late: boolean; messageId: string }> = [];
  const advanced: number[] = [];
  const errors: unknown[] = [];
  const timeline = new RoomTimeline({
    roomId: ROOM,
    afterSeq: 0,
    initialHistory: 50,
    gapHoldMs: 300,
    holeTimeoutMs: 2000,
    retry: { baseMs: 500, maxMs: 5000 },
    scheduler,
    random: () => 0.5,
    fetchAfter: store.fetch,
    present: (message: ChatMessage, info: PresentInfo) =>
      presented.push({ seq: message.seq, late: info.late, messageId: message.messageId }),
    advanced: (seq) => advanced.push(seq),
    onError: (err) => errors.push(err),
    ...overrides,
  });
  const seqs = () => presented.map((p) => p.seq);
  return { scheduler, store, timeline, presented, advanced, errors, seqs };
}
