import { resolveOptions } from '../src/chat-client-options';

const url = 'http://127.0.0.1:1';

test('the hole timeout outlasts the request timeout, so a resent send fills its gap in order', () => {
  expect(resolveOptions({ url })).toMatchObject({ requestTimeoutMs: 10_000, holeTimeoutMs: 12_000, gapHoldMs: 1_000 });
  expect(resolveOptions({ url, requestTimeoutMs: 30_000 }).holeTimeoutMs).toBe(32_000);
  expect(resolveOptions({ url, requestTimeoutMs: 30_000, holeTimeoutMs: 5_000 }).holeTimeoutMs).toBe(5_000);
});
