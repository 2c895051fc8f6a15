import type { ChatMessage } from '@campzone/protocol';
import { chatMessage } from './messages';
import { ROOM, timelineHarness } from './timeline-harness';

describe('RoomTimeline gaps and syncs', () => {
  it('holds a message ahead of a gap for gapHoldMs, then fills the gap with sync from lastSeq', async () => {
    const { timeline, seqs, store, scheduler } = timelineHarness();
    const [m1, , m3] = store.store(1, 2, 3);
    timeline.receive(m1!);
    timeline.receive(m3!);
    expect(seqs()).toEqual([1]);
    await scheduler.advance(299);
    expect(store.calls).toHaveLength(0);
    await scheduler.advance(1);
    expect(store.calls).toEqual([{ afterSeq: 1, limit: undefined }]);
    expect(seqs()).toEqual([1, 2, 3]);
    expect(timeline.heldCount).toBe(0);
  });

  it('skips a gap the server cannot fill once a sync after holeTimeoutMs confirms it empty', async () => {
    const { timeline, seqs, store, scheduler, advanced } = timelineHarness();
    const [m1, m3] = store.store(1, 3);
    store.allocated = 3; // seq 2 was allocated by a sender that crashed before storing it
    timeline.receive(m1!);
    timeline.receive(m3!);
    await scheduler.advance(300);
    expect(store.calls).toHaveLength(1);
    expect(seqs()).toEqual([1]); // one empty answer is not proof: the write may be in flight
    await scheduler.advance(1700);
    expect(store.calls).toHaveLength(2);
    expect(seqs()).toEqual([1, 3]);
    expect(timeline.lastSeq).toBe(3);
    expect(advanced.at(-1)).toBe(3);
    await scheduler.advance(10_000);
    expect(store.calls).toHaveLength(2);
  });

  it('moves past a seq the server names a hole at the first sync, without waiting out the hole timeout', async () => {
    const { timeline, seqs, store, scheduler, advanced } = timelineHarness();
    const [m1, m3] = store.store(1, 3);
    store.holes.add(2); // seq 2 was given up by a send that took a fresh seq
    timeline.receive(m1!);
    timeline.receive(m3!);
    await scheduler.advance(300);
    expect(store.calls).toHaveLength(1);
    expect(seqs()).toEqual([1, 3]);
    expect(timeline.lastSeq).toBe(3);
    expect(advanced.at(-1)).toBe(3);
    expect(timeline.heldCount).toBe(0);
  });

  it('moves past holes at the end of a sync page, where no later message follows them', async () => {
    const { timeline, store, scheduler } = timelineHarness();
    store.store(1);
    store.holes.add(2);
    store.store(3);
    store.holes.add(4);
    store.allocated = 4;
    await timeline.catchUp();
    expect(timeline.lastSeq).toBe(4);
    expect(scheduler.pendingTimers).toBe(0);
    store.store(5);
    await timeline.catchUp();
    expect(timeline.lastSeq).toBe(5);
  });

  it('presents a message that was only slow, not lost, in order when it is stored before the hole timeout', async () => {
    const { timeline, seqs, store, scheduler } = timelineHarness();
    const [m1, m3] = store.store(1, 3);
    timeline.receive(m1!);
    timeline.receive(m3!);
    await scheduler.advance(300);
    expect(seqs()).toEqual([1]);
    store.store(2); // the sender's write lands; its broadcast is lost
    await scheduler.advance(1700);
    expect(seqs()).toEqual([1, 2, 3]);
    expect(timeline.heldCount).toBe(0);
  });

  it('presents a message for a skipped seq once, marked late, if it turns up after all', async () => {
    const { timeline, presented, store, scheduler } = timelineHarness();
    const [m1, m3] = store.store(1, 3);
    timeline.receive(m1!);
    timeline.receive(m3!);
    await scheduler.advance(2000);
    expect(presented.map((p) => p.seq)).toEqual([1, 3]);
    const late = chatMessage(ROOM, 2);
    expect(timeline.receive(late)).toBe('late');
    expect(timeline.receive(late)).toBe('duplicate');
    expect(presented.at(-1)).toEqual({ seq: 2, late: true, messageId: late.messageId });
    expect(presented).toHaveLength(3);
  });

  it('catches up page by page while the server says hasMore', async () => {
    const { timeline, seqs, store } = timelineHarness();
    store.store(...Array.from({ length: 1200 }, (_, i) => i + 1));
    await timeline.catchUp();
    expect(store.calls.map((c) => c.afterSeq)).toEqual([0, 500, 1000]);
    expect(seqs()).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
  });

  it('pages past a hole instead of asking for the same page forever', async () => {
    const { timeline, seqs, store, scheduler } = timelineHarness();
    store.pageSize = 100;
    store.store(1, 2, 3, ...Array.from({ length: 250 }, (_, i) => i + 5)); // 4 is a hole
    await timeline.catchUp();
    expect(store.calls.map((c) => c.afterSeq)).toEqual([0, 101, 201]);
    expect(seqs()).toEqual([1, 2, 3]);
    await scheduler.advance(2000);
    expect(seqs()).toEqual([1, 2, 3, ...Array.from({ length: 250 }, (_, i) => i + 5)]);
  });

  it('resumes from a saved cursor', async () => {
    const { timeline, seqs, store } = timelineHarness({ afterSeq: 40 });
    store.store(...Array.from({ length: 45 }, (_, i) => i + 1));
    await timeline.catchUp();
    expect(store.calls[0]).toEqual({ afterSeq: 40, limit: undefined });
    expect(seqs()).toEqual([41, 42, 43, 44, 45]);
  });

  it('without a cursor, starts initialHistory messages before the latest', async () => {
    const { timeline, seqs, store } = timelineHarness({ afterSeq: undefined, initialHistory: 3 });
    store.store(...Array.from({ length: 100 }, (_, i) => i + 1));
    await timeline.catchUp();
    expect(store.calls[0]).toEqual({ afterSeq: 0, limit: 1 });
    expect(seqs()).toEqual([98, 99, 100]);
  });

  it('without a cursor, a room with nothing stored, or one message, costs its probe alone', async () => {
    const empty = timelineHarness({ afterSeq: undefined });
    await empty.timeline.catchUp();
    expect(empty.store.calls).toEqual([{ afterSeq: 0, limit: 1 }]);
    const one = timelineHarness({ afterSeq: undefined });
    one.store.store(1);
    await one.timeline.catchUp();
    expect(one.store.calls).toEqual([{ afterSeq: 0, limit: 1 }]);
    expect(one.seqs()).toEqual([1]);
    // A seq allocated past the probe's page (a write in flight, a hole) still takes a page after it.
    const behind = timelineHarness({ afterSeq: undefined });
    behind.store.store(1);
    behind.store.allocated = 2;
    await behind.timeline.catchUp();
    expect(behind.store.calls).toEqual([
      { afterSeq: 0, limit: 1 },
      { afterSeq: 1, limit: undefined },
    ]);
  });

  it('without a cursor, never starts after a message that arrived live while anchoring', async () => {
    const { timeline, seqs, store } = timelineHarness({ afterSeq: undefined, initialHistory: 0 });
    const stored = store.store(...Array.from({ length: 10 }, (_, i) => i + 1));
    expect(timeline.receive(stored[7]!)).toBe('held'); // seq 8, before the anchor is known
    await timeline.catchUp();
    expect(seqs()).toEqual([8, 9, 10]);
  });

  it('retries a failed sync with backoff and reports the failure', async () => {
    const { timeline, seqs, store, scheduler, errors } = timelineHarness();
    store.store(1, 2);
    store.failNext = 1;
    await timeline.catchUp();
    expect(errors).toHaveLength(1);
    expect(seqs()).toEqual([]);
    await scheduler.advance(500);
    expect(seqs()).toEqual([1, 2]);
  });

  it('runs concurrent catch-ups as one run plus one queued run', async () => {
    const { timeline, store } = timelineHarness();
    store.store(1);
    await Promise.all([timeline.catchUp(), timeline.catchUp(), timeline.catchUp()]);
    expect(store.calls).toHaveLength(2);
  });

  it('drops a gap sync queued behind a sync that filled the gap, unless another gap of the room is still open', async () => {
    let revGapOpen = false;
    const { timeline, store, scheduler, seqs } = timelineHarness({ otherGapOpen: () => revGapOpen });
    const [, , m3] = store.store(1, 2, 3);
    /** A catch-up on its way (held at a slow server) when a live message shows a gap. */
    const gapWhileSyncing = async (live: ChatMessage) => {
      let open: () => void = () => undefined;
      store.gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const running = timeline.catchUp();
      timeline.receive(live);
      await scheduler.advance(300);
      store.gate = undefined;
      open();
      await running;
      await scheduler.advance(0);
    };
    await gapWhileSyncing(m3!);
    expect(seqs()).toEqual([1, 2, 3]);
    expect(store.calls).toHaveLength(1);
    // The same, with the room's changes still missing a rev: the queued sync runs.
    const [, , m6] = store.store(4, 5, 6);
    revGapOpen = true;
    await gapWhileSyncing(m6!);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.calls).toHaveLength(3);
  });
});
