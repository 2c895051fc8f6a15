import { ConnectAdmission } from '../src/socket/connect-admission';

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ConnectAdmission', () => {
  it('admits a burst at once, then the refill rate', () => {
    const time = clock();
    const gate = new ConnectAdmission(10, 3, time.now);
    expect([1, 2, 3, 4].map(() => gate.admit().admitted)).toEqual([true, true, true, false]);
    time.advance(100);
    expect(gate.admit().admitted).toBe(true);
    expect(gate.admit().admitted).toBe(false);
  });

  it('hands the refused successive turns at the refill rate, so they come back spread out', () => {
    const time = clock();
    const gate = new ConnectAdmission(10, 2, time.now);
    gate.admit();
    gate.admit();
    const waits = Array.from({ length: 5 }, () => gate.admit().retryAfterMs);
    expect(waits).toEqual([100, 200, 300, 400, 500]);
  });

  it('lets the booked turns lapse with time: a quiet pod tells the next refused a short wait', () => {
    const time = clock();
    const gate = new ConnectAdmission(10, 1, time.now);
    gate.admit();
    for (let i = 0; i < 50; i++) gate.admit();
    time.advance(10_000);
    // The bucket refilled to its burst of 1.
    expect(gate.admit().admitted).toBe(true);
    expect(gate.admit().retryAfterMs).toBe(100);
  });

  it('never tells a client to wait more than a minute', () => {
    const time = clock();
    const gate = new ConnectAdmission(1, 1, time.now);
    gate.admit();
    let last = 0;
    for (let i = 0; i < 100; i++) last = gate.admit().retryAfterMs;
    expect(last).toBe(60_000);
  });

  it('is off with a rate of 0', () => {
    const gate = new ConnectAdmission(0, 1);
    expect(Array.from({ length: 1000 }, () => gate.admit().admitted).every(Boolean)).toBe(true);
  });
});
