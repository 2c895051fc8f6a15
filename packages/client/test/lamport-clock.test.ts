import { IdempotencyKeySchema } from '@campzone/protocol';
import { createIdempotencyKey } from '../src/idempotency-key';
import { LamportClock } from '../src/lamport-clock';

describe('LamportClock', () => {
  it('adds one before each send', () => {
    const clock = new LamportClock();
    expect(clock.tick()).toBe(1);
    expect(clock.tick()).toBe(2);
    expect(clock.value).toBe(2);
  });

  it('takes max(local, received) on receipt, so the next send is later than anything seen', () => {
    const clock = new LamportClock(5);
    clock.observe(41);
    expect(clock.value).toBe(41);
    clock.observe(7);
    expect(clock.value).toBe(41);
    expect(clock.tick()).toBe(42);
  });

  it('is not moved by garbage from the wire', () => {
    const clock = new LamportClock(3);
    for (const bad of [Number.NaN, -1, 2.5, '99', null, undefined, Number.POSITIVE_INFINITY, 2 ** 60]) clock.observe(bad);
    expect(clock.value).toBe(3);
  });

  it('starts at zero from an unusable initial value', () => {
    expect(new LamportClock(-4).value).toBe(0);
  });
});

describe('createIdempotencyKey', () => {
  it('follows the seed format userId-timestamp-random', () => {
    expect(createIdempotencyKey('alice', 1_700_000_000_000, 0.123)).toBe('alice-1700000000000-0.123');
  });

  it('produces keys the protocol accepts, random ones included', () => {
    const pattern = new RegExp(IdempotencyKeySchema.pattern!);
    for (let i = 0; i < 200; i++) expect(pattern.test(createIdempotencyKey('user_1-x'))).toBe(true);
    expect(pattern.test(createIdempotencyKey('u', 1, 5e-7))).toBe(true);
  });

  it('differs between two sends in the same millisecond', () => {
    expect(createIdempotencyKey('alice', 1)).not.toBe(createIdempotencyKey('alice', 1));
  });
});
