/**
 * Payloads every gateway must refuse with an error, never store and never crash on: wrong
 * shapes, MongoDB operators where strings belong, ids outside the allowed pattern, numbers out
 * of range, content over the length limit (below Socket.IO's own 1 MB frame limit, which
 * closes the socket instead of answering). Extra fields alone would be valid, so none relies
 * on them.
 */
export interface MalformedPayload {
  event: string;
  /** Omitted: the event carries only the ack callback. */
  payload?: unknown;
}

export function malformedPayloads(roomId: string): MalformedPayload[] {
  const valid = { roomId, content: 'fine', lamportTimestamp: 1, idempotencyKey: 'flood-key' };
  const send = (payload?: unknown): MalformedPayload =>
    payload === undefined ? { event: 'send_message' } : { event: 'send_message', payload };
  return [
    send(),
    send(null),
    send('just a string'),
    send(42),
    send([valid]),
    send({}),
    send({ ...valid, roomId: { $gt: '' } }),
    send({ ...valid, roomId: { $ne: null } }),
    send({ ...valid, roomId: 'has space' }),
    send({ ...valid, roomId: '$where' }),
    send({ ...valid, roomId: 'r'.repeat(65) }),
    send({ ...valid, content: '' }),
    send({ ...valid, content: { $gt: '' } }),
    send({ ...valid, content: 17 }),
    send({ ...valid, content: 'x'.repeat(5000) }),
    send({ ...valid, lamportTimestamp: -1 }),
    send({ ...valid, lamportTimestamp: 1e308 }),
    send({ ...valid, lamportTimestamp: 1.5 }),
    send({ ...valid, lamportTimestamp: '7' }),
    send({ ...valid, idempotencyKey: { $ne: null } }),
    send({ ...valid, idempotencyKey: 'a$b' }),
    send({ ...valid, idempotencyKey: 'k'.repeat(129) }),
    send({ ...valid, messageType: 'system' }),
    send({ ...valid, messageType: { $in: ['text'] } }),
    send({ roomId, content: 'no key, no clock' }),
    { event: 'sync', payload: { roomId, afterSeq: -1 } },
    { event: 'sync', payload: { roomId, afterSeq: { $gt: 0 } } },
    { event: 'join_room', payload: { roomId: { $regex: '.*' } } },
    { event: 'get_messages', payload: { roomId, limit: 1e9 } },
    { event: 'ack', payload: { roomId, seq: 'all' } },
  ];
}
