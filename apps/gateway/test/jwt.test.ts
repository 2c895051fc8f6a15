import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { closeAllClients, connectWithToken } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1, {
    JWT_SECRET: '',
    AUTH_DEV_TOKENS: 'false',
    JWT_PUBLIC_KEY: publicPem,
    JWT_ALGORITHM: 'RS256',
    JWT_AUDIENCE: 'campzone-chat',
    JWT_ISSUER: 'https://sso.campus.example',
  });
});
afterEach(closeAllClients);
afterAll(() => cluster.stop());

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: object = {}) => ({
  sub: 'ada',
  aud: 'campzone-chat',
  iss: 'https://sso.campus.example',
  exp: now() + 600,
  ...extra,
});
const rs256 = (payload: object) => jwt.sign(payload, privatePem, { algorithm: 'RS256' });

const outcome = (token: string) =>
  connectWithToken(cluster.url(0), token).then(
    () => 'connected',
    (err: Error & { data?: { code: string } }) => err.data?.code ?? err.message,
  );

test('a correctly signed RS256 token with the right audience and issuer is accepted', async () => {
  expect(await outcome(rs256(claims()))).toBe('connected');
});

test('alg none is refused', async () => {
  expect(await outcome(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`)).toBe('UNAUTHORIZED');
});

test('HS256 signed with the public key as the secret (algorithm confusion) is refused', async () => {
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims())}`;
  const forged = `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
  expect(await outcome(forged)).toBe('UNAUTHORIZED');
});

test('an expired token is refused', async () => {
  expect(await outcome(rs256(claims({ exp: now() - 5 })))).toBe('UNAUTHORIZED');
});

test('a token without exp is refused', async () => {
  const { exp: _exp, ...noExp } = claims();
  expect(await outcome(rs256(noExp))).toBe('UNAUTHORIZED');
});

test('a wrong audience or issuer is refused', async () => {
  expect(await outcome(rs256(claims({ aud: 'another-app' })))).toBe('UNAUTHORIZED');
  expect(await outcome(rs256(claims({ iss: 'https://evil.example' })))).toBe('UNAUTHORIZED');
});

test('dev tokens are not served when AUTH_DEV_TOKENS is off', async () => {
  const response = await fetch(`${cluster.url(0)}/v1/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"userId":"ada"}',
  });
  expect(response.status).toBe(404);
});
