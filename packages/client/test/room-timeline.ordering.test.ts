import { chatMessage } from './messages';
import { ROOM, timelineHarness } from './timeline-harness';

describe('RoomTimeline ordering', () => {
  it('presents messages that arrive in order at once, without any sync', () => {
    const { timeline, seqs, store } = timelineHarness();
    for (const seq of [1, 2, 3]) expect(timeline.receive(chatMessage(ROOM, seq))).toBe('presented');
    expect(seqs()).toEqual([1, 2, 3]);
    expect(timeline.lastSeq).toBe(3);
    expect(store.calls).toHaveLength(0);
  });

  it('presents messages that arrive out of order in seq order once the gap closes', async () => {
    const { timeline, seqs, store, scheduler } = timelineHarness();
    expect(timeline.receive(chatMessage(ROOM, 3))).toBe('held');
    expect(timeline.receive(chatMessage(ROOM, 2))).toBe('held');
    expect(seqs()).toEqual([]);
    expect(timeline.receive(chatMessage(ROOM, 1))).toBe('presented');
    expect(seqs()).toEqual([1, 2, 3]);
    await scheduler.advance(5000);
    expect(store.calls).toHaveLength(0); // the gap closed before the hold ran out
  });

  it('shows a duplicate broadcast once', () => {
    const { timeline, seqs } = timelineHarness();
    const first = chatMessage(ROOM, 1);
    expect(timeline.receive(first)).toBe('presented');
    expect(timeline.receive({ ...first })).toBe('duplicate');
    expect(seqs()).toEqual([1]);
  });

  it('drops a duplicate of a message still held behind a gap', () => {
    const { timeline, seqs } = timelineHarness();
    timeline.receive(chatMessage(ROOM, 3));
    expect(timeline.receive(chatMessage(ROOM, 3))).toBe('duplicate');
    timeline.receive(chatMessage(ROOM, 1));
    timeline.receive(chatMessage(ROOM, 2));
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('drops a message at or below lastSeq even under another id', () => {
    const { timeline, seqs } = timelineHarness({ afterSeq: 10 });
    expect(timeline.receive(chatMessage(ROOM, 10, { messageId: 'ffffffffffffffffffffffff' }))).toBe('duplicate');
    expect(timeline.receive(chatMessage(ROOM, 11))).toBe('presented');
    expect(seqs()).toEqual([11]);
  });

  it('ignores messages of another room and messages without a usable seq', () => {
    const { timeline, seqs } = timelineHarness();
    expect(timeline.receive(chatMessage('room-b', 1))).toBe('ignored');
    expect(timeline.receive(chatMessage(ROOM, 1, { seq: 1.5 }))).toBe('ignored');
    expect(timeline.receive(chatMessage(ROOM, 0))).toBe('ignored');
    expect(seqs()).toEqual([]);
  });

  it('reports every advance of the cursor, for acks', () => {
    const { timeline, advanced } = timelineHarness();
    timeline.receive(chatMessage(ROOM, 2));
    timeline.receive(chatMessage(ROOM, 1));
    timeline.receive(chatMessage(ROOM, 3));
    expect(advanced).toEqual([2, 3]);
  });

  it('feeds sync pages and live messages through the same dedup, so an overlap shows each message once', async () => {
    const { timeline, seqs, store } = timelineHarness();
    const [m1, m2, m3] = store.store(1, 2, 3);
    timeline.receive(m2!);
    await timeline.catchUp();
    timeline.receive(m1!);
    timeline.receive(m3!);
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('stops presenting after dispose', () => {
    const { timeline, seqs } = timelineHarness();
    timeline.dispose();
    expect(timeline.receive(chatMessage(ROOM, 1))).toBe('ignored');
    expect(seqs()).toEqual([]);
  });
});
