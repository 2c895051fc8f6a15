import { AckCoalescer } from '../src/ack-coalescer';
import { FakeScheduler } from './fake-scheduler';

function harness() {
  const scheduler = new FakeScheduler();
  const acks: Array<[string, number]> = [];
  let online = true;
  const coalescer = new AckCoalescer({
    scheduler,
    intervalMs: 100,
    send: (roomId, seq) => {
      if (!online) return false;
      acks.push([roomId, seq]);
      return true;
    },
  });
  return { scheduler, acks, coalescer, setOnline: (v: boolean) => (online = v) };
}

describe('AckCoalescer', () => {
  it('acks the first advance at once and coalesces the rest to one ack per 100 ms with the highest seq', async () => {
    const { scheduler, acks, coalescer } = harness();
    coalescer.note('room-a', 1);
    for (let seq = 2; seq <= 50; seq++) coalescer.note('room-a', seq);
    expect(acks).toEqual([['room-a', 1]]);
    await scheduler.advance(99);
    expect(acks).toHaveLength(1);
    await scheduler.advance(1);
    expect(acks).toEqual([
      ['room-a', 1],
      ['room-a', 50],
    ]);
  });

  it('keeps rooms independent', () => {
    const { acks, coalescer } = harness();
    coalescer.note('room-a', 3);
    coalescer.note('room-b', 7);
    expect(acks).toEqual([
      ['room-a', 3],
      ['room-b', 7],
    ]);
  });

  it('never acks a lower seq than before', async () => {
    const { scheduler, acks, coalescer } = harness();
    coalescer.note('room-a', 10);
    coalescer.note('room-a', 4);
    await scheduler.advance(500);
    expect(acks).toEqual([['room-a', 10]]);
  });

  it('keeps what it could not send offline and sends it on flushAll; resend repeats the last ack', () => {
    const { acks, coalescer, setOnline } = harness();
    setOnline(false);
    coalescer.note('room-a', 5);
    expect(acks).toEqual([]);
    setOnline(true);
    coalescer.flushAll();
    expect(acks).toEqual([['room-a', 5]]);
    coalescer.flushAll();
    expect(acks).toHaveLength(1);
    coalescer.flushAll(true);
    expect(acks).toEqual([
      ['room-a', 5],
      ['room-a', 5],
    ]);
  });
});
