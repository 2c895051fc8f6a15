import { api, closeAllClients, connectAs, connectWithToken, createRoom, sendArgs, tokenFor } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1);
  await createRoom(cluster.url(0), 'owner', 'private', ['member']);
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

const refusal = (token: string | undefined) =>
  connectWithToken(cluster.url(0), token).then(
    () => 'connected',
    (err: Error & { data?: { code: string } }) => err.data?.code ?? err.message,
  );

test('a handshake without a token is refused', async () => {
  expect(await refusal(undefined)).toBe('UNAUTHORIZED');
});

test('a forged token is refused', async () => {
  expect(await refusal(tokenFor('owner', {}, 'some-other-secret-0123456789'))).toBe('UNAUTHORIZED');
});

test('an expired token is refused', async () => {
  expect(await refusal(tokenFor('owner', { expiresIn: -10 }))).toBe('UNAUTHORIZED');
});

test('a token whose subject is not a safe id is refused', async () => {
  expect(await refusal(tokenFor('$where'))).toBe('UNAUTHORIZED');
});

test('a non-member cannot join, send, read history or sync, and nothing is stored', async () => {
  const stranger = await connectAs(cluster.url(0), 'stranger');
  const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };
  expect(await stranger.emitWithAck('join_room', { roomId: 'private' })).toMatchObject(forbidden);
  expect(await stranger.emitWithAck('send_message', sendArgs('private', 'let me in'))).toMatchObject(forbidden);
  expect(await stranger.emitWithAck('get_messages', { roomId: 'private' })).toMatchObject(forbidden);
  expect(await stranger.emitWithAck('sync', { roomId: 'private', afterSeq: 0 })).toMatchObject(forbidden);
  expect((await api(cluster.url(0), 'GET', '/v1/rooms/private/messages', 'stranger')).status).toBe(403);
  const db = await cluster.db();
  expect(await db.collection('messages').countDocuments({ roomId: 'private' })).toBe(0);
});

test('the userId in a payload is never trusted: the token decides who speaks', async () => {
  const member = await connectAs(cluster.url(0), 'member');
  const spoof = { ...sendArgs('private', 'who am I'), senderId: 'owner', userId: 'owner' };
  const ack = await member.emitWithAck('send_message', spoof);
  expect(ack.ok).toBe(true);
  const db = await cluster.db();
  expect((await db.collection('messages').findOne({ roomId: 'private' }))?.senderId).toBe('member');
});

test('REST needs a valid bearer token', async () => {
  const response = await fetch(`${cluster.url(0)}/v1/rooms`, { headers: { authorization: 'Bearer nope' } });
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'invalid token' } });
});

test('only room admins may add participants', async () => {
  const denied = await api(cluster.url(0), 'POST', '/v1/rooms/private/participants', 'member', { userId: 'friend' });
  expect(denied.status).toBe(403);
  const allowed = await api(cluster.url(0), 'POST', '/v1/rooms/private/participants', 'owner', { userId: 'friend' });
  expect(allowed).toMatchObject({ status: 201, body: { roomId: 'private', userId: 'friend', role: 'member', added: true } });
});
