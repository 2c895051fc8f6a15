import { ChatError, compile, ErrorCode, httpStatusOf, SendMessageSchema, SyncSchema } from '../src';

const sendMessage = compile(SendMessageSchema);
const valid = { roomId: 'cs-101', content: 'hello', lamportTimestamp: 3, idempotencyKey: 'ana-1700000000000-0.123' };

test('a well-formed send passes and keeps its type', () => {
  expect(sendMessage.parse(valid)).toEqual(valid);
  expect(sendMessage.parse({ ...valid, messageType: 'image' }).messageType).toBe('image');
});

test.each([
  ['an operator object as the room', { ...valid, roomId: { $gt: '' } }, 'roomId'],
  ['a room id with a dot', { ...valid, roomId: 'a.b' }, 'roomId'],
  ['a room id with a dollar', { ...valid, roomId: '$where' }, 'roomId'],
  ['a 65-character room id', { ...valid, roomId: 'r'.repeat(65) }, 'roomId'],
  ['a lamport past the safe range', { ...valid, lamportTimestamp: 1e300 }, 'lamportTimestamp'],
  ['a fractional lamport', { ...valid, lamportTimestamp: 0.5 }, 'lamportTimestamp'],
  ['server-only message types', { ...valid, messageType: 'system' }, 'messageType'],
  ['empty content', { ...valid, content: '' }, 'content'],
])('%s is refused, naming the field', (_what, payload, field) => {
  expect(() => sendMessage.parse(payload)).toThrow(ChatError);
  try {
    sendMessage.parse(payload);
  } catch (err) {
    expect(err).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringMatching(new RegExp(`^${field}`)) });
  }
});

test('a payload that is not an object is refused as a whole', () => {
  for (const bad of [null, 'x', 1, [], undefined]) expect(() => compile(SyncSchema).parse(bad)).toThrow('payload: Expected object');
});

test('every error code has an HTTP status', () => {
  for (const code of Object.values(ErrorCode)) expect(httpStatusOf[code]).toBeGreaterThanOrEqual(400);
});

test('a refusal is a ChatError without a captured stack, and Error keeps capturing stacks', () => {
  const refusal = new ChatError(ErrorCode.VALIDATION_FAILED, 'roomId: bad');
  expect(refusal).toBeInstanceOf(Error);
  expect(refusal).toMatchObject({ name: 'ChatError', code: 'VALIDATION_FAILED', message: 'roomId: bad' });
  expect(refusal.stack).not.toMatch(/\n\s+at /);
  expect(new Error('fault').stack).toMatch(/\n\s+at /);
  expect(new ChatError(ErrorCode.RATE_LIMITED, 'slow down', 250).retryAfterMs).toBe(250);
});
