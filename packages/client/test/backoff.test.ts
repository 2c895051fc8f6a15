import { backoffCeiling, reconnectDelay } from '../src/backoff';

const policy = { baseMs: 500, maxMs: 10_000 };

describe('reconnectDelay (full jitter)', () => {
  it('doubles the ceiling per attempt from baseMs up to maxMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffCeiling(n, policy))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('spreads each attempt over the whole window from 0 to its ceiling', () => {
    expect(reconnectDelay(1, policy, () => 0)).toBe(0);
    expect(reconnectDelay(1, policy, () => 0.999_999)).toBe(500);
    expect(reconnectDelay(3, policy, () => 0.5)).toBe(1000);
    expect(reconnectDelay(9, policy, () => 0.25)).toBe(2500);
  });

  it('draws uniformly: a thousand clients dropped together spread evenly over the first window', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 1000 }, () => reconnectDelay(2, policy, random));
    const quarters = [0, 0, 0, 0];
    for (const d of delays) quarters[Math.min(3, Math.floor(d / 250))]! += 1;
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    for (const q of quarters) expect(q).toBeGreaterThan(200);
  });

  it("waits at least the gateway's retryAfterMs, with the jitter on top", () => {
    expect(reconnectDelay(1, policy, () => 0, 3000)).toBe(3000);
    expect(reconnectDelay(1, policy, () => 0.5, 3000)).toBe(3250);
    expect(reconnectDelay(4, policy, () => 0.999_999, 3000)).toBe(7000);
  });

  it('ignores a retryAfterMs of 0 or less', () => {
    expect(reconnectDelay(2, policy, () => 0.5, 0)).toBe(500);
    expect(reconnectDelay(2, policy, () => 0.5, -10)).toBe(500);
  });
});
