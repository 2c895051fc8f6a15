import type { ErrorEvent, TokenExpiring } from '@campzone/protocol';
import jwt from 'jsonwebtoken';
import { api, closeAllClients, connectAs, connectWithToken, createRoom, eventually, sendArgs, tokenFor } from './harness/chat-clients';
import { GatewayCluster, JWT_SECRET } from './harness/gateway-cluster';

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 2, { TOKEN_EXPIRY_WARNING_MS: '1500' });
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

/** A token with extra claims (tokenFor signs an empty payload). */
const tokenWith = (userId: string, claims: object, options: jwt.SignOptions = {}) =>
  jwt.sign(claims, JWT_SECRET, { algorithm: 'HS256', subject: userId, expiresIn: 600, ...options });
const campusAdminToken = () => tokenWith('registrar', { role: 'campus-admin' });

async function revoke(body: object, token = tokenFor('registrar')) {
  const response = await fetch(`${cluster.url(1)}/v1/admin/revocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return response.status;
}

test('a socket is told its token is expiring, and is disconnected at exp without a fresh one', async () => {
  const socket = await connectWithToken(cluster.url(0), tokenFor('eve', { expiresIn: 3 }));
  const connectedAt = Date.now();
  const warned = new Promise<TokenExpiring>((resolve) => socket.once('token_expiring', resolve));
  const refused = new Promise<ErrorEvent>((resolve) => socket.once('error', resolve));
  const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
  const warning = await warned;
  expect(Date.parse(warning.expiresAt) - Date.now()).toBeLessThanOrEqual(1500);
  expect(await closed).toBe('io server disconnect');
  expect(await refused).toMatchObject({ code: 'UNAUTHORIZED', message: 'token expired' });
  expect(Date.now() - connectedAt).toBeGreaterThanOrEqual(2000);
  expect(Date.now() - connectedAt).toBeLessThan(4500);
});

test("reauthenticate with a fresh token for the same user keeps the socket open; another user's token is refused", async () => {
  await createRoom(cluster.url(0), 'fin', 'long-lived', []);
  const socket = await connectWithToken(cluster.url(1), tokenFor('fin', { expiresIn: 3 }));
  const oldExp = Date.now() + 3000;
  await new Promise<TokenExpiring>((resolve) => socket.once('token_expiring', resolve));
  const wrong = await socket.emitWithAck('reauthenticate', { token: tokenFor('mallory', { expiresIn: 60 }) });
  expect(wrong).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  const bad = await socket.emitWithAck('reauthenticate', { token: 'not-a-jwt' });
  expect(bad).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  const renewed = await socket.emitWithAck('reauthenticate', { token: tokenFor('fin', { expiresIn: 60 }) });
  expect(renewed).toMatchObject({ ok: true, userId: 'fin' });
  // Well past the first token's exp, the socket still works.
  await eventually(() => Date.now() > oldExp + 1500, 'the old expiry to pass', 6000);
  expect(socket.connected).toBe(true);
  expect(await socket.emitWithAck('send_message', sendArgs('long-lived', 'still here'))).toMatchObject({ ok: true });
});

test('revoking a user closes their sockets on every pod at once and refuses their old tokens; only campus admins may', async () => {
  const oldToken = tokenFor('gil');
  const sockets = [await connectWithToken(cluster.url(0), oldToken), await connectWithToken(cluster.url(1), oldToken)];
  const closed = sockets.map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve)));
  expect(await revoke({ userId: 'gil' })).toBe(403);
  expect(await revoke({ userId: 'gil' }, tokenWith('registrar', { role: 'teacher' }))).toBe(403);
  const revokedAt = Date.now();
  expect(await revoke({ userId: 'gil' }, campusAdminToken())).toBe(201);
  expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
  expect(Date.now() - revokedAt).toBeLessThan(1000);

  const again = await connectWithToken(cluster.url(0), oldToken).then(
    () => 'connected',
    (err: Error & { data?: { code: string; message: string } }) => err.data,
  );
  expect(again).toEqual({ code: 'UNAUTHORIZED', message: 'token revoked' });
  expect((await api(cluster.url(1), 'GET', '/v1/rooms', undefined)).status).toBe(401);
  const rest = await fetch(`${cluster.url(1)}/v1/rooms`, { headers: { authorization: `Bearer ${oldToken}` } });
  expect(rest.status).toBe(401);
  // A token issued after the revocation (iat has second precision) is accepted.
  await eventually(() => Date.now() > revokedAt + 1100, 'the next second', 3000);
  await connectAs(cluster.url(1), 'gil');
});

test('revoking one token closes only the sockets that hold it', async () => {
  const sign = (jti: string) => tokenWith('hal', {}, { jwtid: jti });
  const stolen = await connectWithToken(cluster.url(0), sign('laptop-1'));
  const phone = await connectWithToken(cluster.url(1), sign('phone-1'));
  const closed = new Promise<string>((resolve) => stolen.once('disconnect', resolve));
  expect(await revoke({ tokenId: 'laptop-1' }, campusAdminToken())).toBe(201);
  expect(await closed).toBe('io server disconnect');
  expect(phone.connected).toBe(true);
  expect(await revoke({ userId: 'hal', tokenId: 'x' }, campusAdminToken())).toBe(400);
});
