import type { ChatMessage } from '@campzone/protocol';
import type { SyncPage } from '../src/room-timeline';
import { chatMessage } from './messages';
import { ROOM, timelineHarness } from './timeline-harness';

describe('RoomTimeline and message changes', () => {
  it('presents the newest copy of a message held behind a gap (a sync after it was edited)', async () => {
    const shown: ChatMessage[] = [];
    const { timeline, store, scheduler } = timelineHarness({ present: (message) => shown.push(message) });
    const [m1, , m3] = store.store(1, 2, 3);
    timeline.receive(m1!);
    timeline.receive({ ...m3!, rev: 3 });
    store.stored.set(3, { ...m3!, content: 'edited while held', rev: 7 });
    await scheduler.advance(300);
    expect(shown.map((m) => [m.seq, m.content])).toEqual([
      [1, 'message 1'],
      [2, 'message 2'],
      [3, 'edited while held'],
    ]);
  });

  it('keeps asking while an answer moved the rev cursor on with hasMore, even if seq stood still (changes were capped)', async () => {
    const pages: SyncPage[] = [
      { messages: [], latestSeq: 5, hasMore: true, revAdvanced: true },
      { messages: [], latestSeq: 5, hasMore: true, revAdvanced: true },
      { messages: [], latestSeq: 5, hasMore: false, revAdvanced: true },
    ];
    const calls: number[] = [];
    const { timeline } = timelineHarness({
      afterSeq: 5,
      fetchAfter: async (afterSeq) => {
        calls.push(afterSeq);
        return pages.shift() ?? { messages: [], latestSeq: 5, hasMore: false };
      },
    });
    await timeline.catchUp();
    expect(calls).toEqual([5, 5, 5]);
  });

  it('stops at a page that moved neither seq nor rev, even with hasMore (no endless loop)', async () => {
    const calls: number[] = [];
    const { timeline } = timelineHarness({
      afterSeq: 5,
      fetchAfter: async (afterSeq) => {
        calls.push(afterSeq);
        return { messages: [chatMessage(ROOM, 5)], latestSeq: 9, hasMore: true, revAdvanced: false };
      },
    });
    await timeline.catchUp();
    expect(calls).toEqual([5]);
  });
});
