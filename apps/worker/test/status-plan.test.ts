import { DeliverySchedule } from '../src/delivery/delivery-schedule';
import { failureReason, unackedMembers } from '../src/delivery/unacked-members';
import { planStatus } from '../src/rollup/status-plan';

test('a status reaches up to the lowest cursor of the room', () => {
  expect(
    planStatus([
      { userId: 'ann', seq: 9 },
      { userId: 'bob', seq: 4 },
      { userId: 'cat', seq: 4 },
    ]),
  ).toEqual({ uptoSeq: 4 });
});

test("the one lowest member's own messages reach up to the next cursor: a sender need not ack or read them", () => {
  expect(
    planStatus([
      { userId: 'ann', seq: 2 },
      { userId: 'bob', seq: 7 },
      { userId: 'cat', seq: 9 },
    ]),
  ).toEqual({ uptoSeq: 2, laggard: { userId: 'ann', uptoSeq: 7 } });
});

test("a room of one: everything up to the member's cursor, and all of their own messages", () => {
  expect(planStatus([{ userId: 'ann', seq: 3 }])).toEqual({ uptoSeq: 3, laggard: { userId: 'ann', uptoSeq: Number.POSITIVE_INFINITY } });
  expect(planStatus([])).toBeNull();
});

test('the sender is never among the members missing a message', () => {
  const room = new Map([
    ['ann', { delivered: 0, read: 0 }],
    ['bob', { delivered: 5, read: 0 }],
    ['cat', { delivered: 4, read: 4 }],
  ]);
  expect(unackedMembers({ messageId: 'a'.repeat(24), roomId: 'r', seq: 5, senderId: 'ann' }, room)).toEqual(['cat']);
  expect(unackedMembers({ messageId: 'a'.repeat(24), roomId: 'r', seq: 5, senderId: 'cat' }, room)).toEqual(['ann']);
});

test('the failure reason names who never acked, shortened for big rooms', () => {
  expect(failureReason(3, ['bob', 'cat'])).toBe('not acknowledged after 3 retries by online member(s): bob, cat');
  const many = Array.from({ length: 25 }, (_, i) => `u${i}`);
  expect(failureReason(1, many)).toMatch(/^not acknowledged after 1 retry by online member\(s\): u0, .*u19 and 5 more$/);
});

test('the schedule waits each configured delay between attempts, then the ack timeout before the verdict', () => {
  const schedule = new DeliverySchedule([1000, 5000, 15000], 5000);
  expect(schedule.maxRetries).toBe(3);
  expect([1, 2, 3, 4].map((a) => schedule.delayBefore(a))).toEqual([1000, 5000, 15000, 5000]);
});
