import type { ErrorEvent } from '@campzone/protocol';
import { type ClientSocket, closeAllClients, connectAs, createRoom, sendArgs, tokenFor } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
let member: ClientSocket;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1);
  await createRoom(cluster.url(0), 'mallory', 'target', []);
  member = await connectAs(cluster.url(0), 'mallory');
});
afterAll(async () => {
  closeAllClients();
  await cluster.stop();
});

const notObjects: unknown[] = [undefined, null, 'just a string', 42, true, [], [{ roomId: 'target' }]];
const badRoomIds: unknown[] = [{ $gt: '' }, { $ne: null }, 123, '', 'a'.repeat(65), 'has space', 'dot.ted', '$where', ['target']];
const valid = sendArgs('target', 'fine', 1, 'valid-key');

/** Every client event with the malformed payloads it must refuse, and the code it must answer. */
const table: Array<[event: string, payload: unknown, code: string]> = [
  ...['join_room', 'leave_room', 'get_messages'].flatMap((event) => [
    ...notObjects.map((p): [string, unknown, string] => [event, p, 'VALIDATION_FAILED']),
    [event, {}, 'VALIDATION_FAILED'] as [string, unknown, string],
    ...badRoomIds.map((roomId): [string, unknown, string] => [event, { roomId }, 'VALIDATION_FAILED']),
  ]),
  ...notObjects.map((p): [string, unknown, string] => ['send_message', p, 'VALIDATION_FAILED']),
  ...notObjects.map((p): [string, unknown, string] => ['sync', p, 'VALIDATION_FAILED']),
  ...badRoomIds.map((roomId): [string, unknown, string] => ['send_message', { ...valid, roomId }, 'VALIDATION_FAILED']),
  ['send_message', { ...valid, content: 'x'.repeat(40 * 1024) }, 'PAYLOAD_TOO_LARGE'],
  ['send_message', { ...valid, content: 'x'.repeat(4001) }, 'PAYLOAD_TOO_LARGE'],
  // Refused before the membership lookup (so before any store query): not FORBIDDEN.
  ['send_message', { ...valid, roomId: 'not-a-member-here', content: 'x'.repeat(4001) }, 'PAYLOAD_TOO_LARGE'],
  ['send_message', { ...valid, content: '' }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, content: { $gt: '' } }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, content: 17 }, 'VALIDATION_FAILED'],
  ['send_message', { roomId: 'target', content: 'no key or clock' }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, lamportTimestamp: 1e308 }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, lamportTimestamp: Number.MAX_SAFE_INTEGER }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, lamportTimestamp: -1 }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, lamportTimestamp: 1.5 }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, lamportTimestamp: '7' }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, idempotencyKey: { $ne: null } }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, idempotencyKey: 'k'.repeat(129) }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, idempotencyKey: 'a$b' }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, messageType: 'system' }, 'VALIDATION_FAILED'],
  ['send_message', { ...valid, messageType: { $in: ['text'] } }, 'VALIDATION_FAILED'],
  ['sync', { roomId: 'target' }, 'VALIDATION_FAILED'],
  ['sync', { roomId: 'target', afterSeq: -1 }, 'VALIDATION_FAILED'],
  ['sync', { roomId: 'target', afterSeq: 1e300 }, 'VALIDATION_FAILED'],
  ['sync', { roomId: 'target', afterSeq: '3' }, 'VALIDATION_FAILED'],
  ['sync', { roomId: 'target', afterSeq: 0, limit: 1e9 }, 'VALIDATION_FAILED'],
  ['get_messages', { roomId: 'target', limit: 1e9 }, 'VALIDATION_FAILED'],
  ['get_messages', { roomId: 'target', limit: 0 }, 'VALIDATION_FAILED'],
  ['get_messages', { roomId: 'target', skip: -1 }, 'VALIDATION_FAILED'],
  ['get_messages', { roomId: 'target', skip: { $gt: 0 } }, 'VALIDATION_FAILED'],
  // Changes to messages: ids are ObjectId hex, emoji are one emoji or a :short_code:, content is bounded.
  ...['edit_message', 'delete_message', 'add_reaction', 'remove_reaction', 'pin_message', 'unpin_message', 'get_thread'].flatMap((event) =>
    notObjects.map((p): [string, unknown, string] => [event, p, 'VALIDATION_FAILED']),
  ),
  ['edit_message', { roomId: 'target', messageId: { $ne: null }, content: 'x' }, 'VALIDATION_FAILED'],
  ['edit_message', { roomId: 'target', messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', content: '' }, 'VALIDATION_FAILED'],
  ['edit_message', { roomId: 'target', messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', content: 'x'.repeat(4001) }, 'PAYLOAD_TOO_LARGE'],
  ['delete_message', { roomId: 'target', messageId: 'not-hex' }, 'VALIDATION_FAILED'],
  ...[':nope', 'abc', '👍 👍', ':way_too_long_a_short_code_for_this:', { $gt: '' }, '', '<b>'].map((emoji): [string, unknown, string] => [
    'add_reaction',
    { roomId: 'target', messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', emoji },
    'VALIDATION_FAILED',
  ]),
  ['add_reaction', { roomId: 'target', messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', emoji: '👍' }, 'NOT_FOUND'],
  ['send_message', { ...valid, replyTo: 'nope' }, 'VALIDATION_FAILED'],
  ['get_thread', { roomId: 'target', rootId: 'aaaaaaaaaaaaaaaaaaaaaaaa', limit: 0 }, 'VALIDATION_FAILED'],
  ['sync', { roomId: 'target', afterSeq: 0, afterRev: -1 }, 'VALIDATION_FAILED'],
  // An event the server does not know is answered too, never left waiting.
  ['send_mesage', { roomId: 'target' }, 'VALIDATION_FAILED'],
  ['edit_everything', undefined, 'VALIDATION_FAILED'],
];

type LooseEmitter = { emit(event: string, ...args: unknown[]): void };

function emitRaw(socket: ClientSocket, event: string, payload: unknown): Promise<{ ack: unknown; error: ErrorEvent }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${event}`)), 5000);
    let ack: unknown;
    let error: ErrorEvent | undefined;
    const done = () => {
      if (ack === undefined || error === undefined) return;
      clearTimeout(timer);
      resolve({ ack, error });
    };
    const onError = (e: ErrorEvent) => {
      if (e.event !== event) return;
      socket.off('error', onError);
      error = e;
      done();
    };
    socket.on('error', onError);
    const args = payload === undefined ? [] : [payload];
    (socket as unknown as LooseEmitter).emit(event, ...args, (response: unknown) => {
      ack = response;
      done();
    });
  });
}

test.each(table)('%s with %j is answered %s by an error event and a failed ack', async (event, payload, code) => {
  const { ack, error } = await emitRaw(member, event, payload);
  expect(ack).toEqual({ ok: false, error: { code, message: expect.any(String) } });
  expect(error).toEqual({ code, message: expect.any(String), event });
});

test('after all of that nothing is stored and the pod still serves well-formed traffic', async () => {
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({})).toBe(0);
  const ready = await fetch(`${cluster.url(0)}/readyz`);
  expect(ready.status).toBe(200);
  expect(await member.emitWithAck('send_message', valid)).toMatchObject({ ok: true, seq: 1 });
});

test('a packet over the engine limit (64 KiB) closes that connection only; the pod serves the next one', async () => {
  const flooder = await connectAs(cluster.url(0), 'mallory');
  const closed = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
  (flooder as unknown as LooseEmitter).emit('send_message', { ...valid, content: 'x'.repeat(200 * 1024) });
  expect(await closed).toBe('transport close');
  const next = await connectAs(cluster.url(0), 'mallory');
  expect(await next.emitWithAck('get_online_users', { roomId: 'target' })).toMatchObject({ ok: true });
});

test('an event without a payload or ack callback gets an error event and does not crash the pod', async () => {
  const error = new Promise<ErrorEvent>((resolve) => member.once('error', resolve));
  (member as unknown as LooseEmitter).emit('send_message');
  expect(await error).toMatchObject({ code: 'VALIDATION_FAILED', event: 'send_message' });
});

test('REST bodies with operators or wrong types are refused with VALIDATION_FAILED and store nothing', async () => {
  const post = (body: unknown) =>
    fetch(`${cluster.url(0)}/v1/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenFor('mallory')}` },
      body: JSON.stringify(body),
    });
  for (const body of [
    { roomName: { $gt: '' }, roomType: 'group' },
    { roomName: 'x', roomType: 'party' },
    { roomName: 'x', roomType: 'group', roomId: '$bad' },
    { roomName: 'x', roomType: 'group', participants: 'everyone' },
    [],
  ]) {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  }
  const broken = await fetch(`${cluster.url(0)}/v1/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{nope',
  });
  expect(broken.status).toBe(400);
  const db = await cluster.db();
  expect(await db.collection('chat_rooms').countDocuments({})).toBe(1);
});
