import { RoomRevCursor } from '../src/room-rev-cursor';
import { FakeScheduler } from './fake-scheduler';

function cursorHarness() {
  const scheduler = new FakeScheduler();
  let gaps = 0;
  const cursor = new RoomRevCursor({
    scheduler,
    gapHoldMs: 1000,
    retry: { baseMs: 500, maxMs: 30_000 },
    random: () => 0.5,
    onGap: () => {
      gaps += 1;
    },
  });
  return { scheduler, cursor, gaps: () => gaps };
}

describe('RoomRevCursor', () => {
  it('has no value until a sync (or a saved cursor) sets it, and ignores revs heard before that', () => {
    const { cursor } = cursorHarness();
    cursor.heard(3);
    expect(cursor.value).toBeUndefined();
    expect(cursor.reached(5)).toBe(true);
    expect(cursor.value).toBe(5);
  });

  it('moves with revs heard one after another, in any order within the hold, without syncing', async () => {
    const { cursor, scheduler, gaps } = cursorHarness();
    cursor.reached(10);
    cursor.heard(12);
    cursor.heard(11);
    cursor.heard(13);
    expect(cursor.value).toBe(13);
    await scheduler.advance(5000);
    expect(gaps()).toBe(0);
  });

  it('asks for a sync when a rev stays missing for the hold, and moves past it with the answer', async () => {
    const { cursor, scheduler, gaps } = cursorHarness();
    cursor.reached(10);
    cursor.heard(12);
    await scheduler.advance(999);
    expect(gaps()).toBe(0);
    await scheduler.advance(1);
    expect(gaps()).toBe(1);
    expect(cursor.reached(12)).toBe(true);
    expect(cursor.value).toBe(12);
    await scheduler.advance(60_000);
    expect(gaps()).toBe(1);
  });

  it('backs off while syncs cannot close the gap (a change still being written), and new revs do not hurry it', async () => {
    const { cursor, scheduler, gaps } = cursorHarness();
    cursor.reached(10);
    cursor.heard(12);
    await scheduler.advance(1000);
    expect(gaps()).toBe(1);
    cursor.reached(10); // the answer's latestRev stops below the change in flight
    const waits: number[] = [];
    let at = scheduler.now();
    for (let i = 0; i < 4; i++) {
      while (gaps() === i + 1) {
        await scheduler.advance(100);
        cursor.heard(13 + i);
      }
      waits.push(scheduler.now() - at);
      at = scheduler.now();
      cursor.reached(10);
    }
    expect(waits[3]!).toBeGreaterThan(waits[0]!);
    cursor.heard(11);
    expect(cursor.value).toBe(16);
  });

  it('a lower latestRev never moves it back', () => {
    const { cursor } = cursorHarness();
    cursor.reached(10);
    expect(cursor.reached(7)).toBe(false);
    expect(cursor.value).toBe(10);
  });
});
