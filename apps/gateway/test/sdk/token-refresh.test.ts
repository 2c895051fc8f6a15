import type { TokenRefreshFailedEvent } from '@campzone/client';
import { createRoom, eventually, tokenFor } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, sdkClient } from './sdk-clients';

// Short-lived tokens against a real gateway: the SDK's token provider keeps one socket open
// across several expiries (the gateway warns TOKEN_EXPIRY_WARNING_MS before exp and closes the
// socket at exp unless it was handed a fresh token).

const LIFETIME_S = 4;

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1, { TOKEN_EXPIRY_WARNING_MS: '2000' });
});
afterEach(closeEveryClient);
afterAll(() => cluster.stop());

test('a socket stays connected past several token expiries, refreshed from getToken', async () => {
  await createRoom(cluster.url(0), 'hal', 'all-night', []);
  let issued = 0;
  const started = Date.now();
  const sdk = sdkClient(cluster.url(0), 'hal', {
    token: undefined,
    getToken: async () => {
      issued += 1;
      return tokenFor('hal', { expiresIn: LIFETIME_S });
    },
  });
  const first = await sdk.connected();
  // Four lifetimes: without the refreshes the gateway would have closed it at the first exp.
  await eventually(() => Date.now() - started > 4 * LIFETIME_S * 1000, 'four token lifetimes to pass', 4 * LIFETIME_S * 1000 + 5000);
  expect(sdk.client.connected).toBe(true);
  expect(sdk.connections.filter((c) => c.state !== 'connected')).toEqual([]);
  expect(sdk.connections).toEqual([first]);
  // The handshake's token, then one per expiry that passed.
  expect(issued).toBeGreaterThanOrEqual(4);
  await expect(sdk.client.send('all-night', 'still the same socket')).resolves.toMatchObject({ roomId: 'all-night' });
}, 60_000);

test('a provider that fails once is told and retried before exp; the socket stays open', async () => {
  let calls = 0;
  const sdk = sdkClient(cluster.url(0), 'ida', {
    token: undefined,
    getToken: async () => {
      calls += 1;
      if (calls === 2) throw new Error('token endpoint returned 503');
      return tokenFor('ida', { expiresIn: LIFETIME_S });
    },
  });
  const failures: TokenRefreshFailedEvent[] = [];
  sdk.client.on('token_refresh_failed', (event) => failures.push(event));
  await sdk.connected();
  const started = Date.now();
  await eventually(() => Date.now() - started > 2 * LIFETIME_S * 1000, 'two token lifetimes to pass', 2 * LIFETIME_S * 1000 + 5000);
  expect(failures.map((f) => [f.attempt, f.error.message, typeof f.retryInMs])).toEqual([[1, 'token endpoint returned 503', 'number']]);
  expect(sdk.client.connected).toBe(true);
  expect(sdk.connections.filter((c) => c.state !== 'connected')).toEqual([]);
  expect(calls).toBeGreaterThanOrEqual(3);
}, 60_000);
