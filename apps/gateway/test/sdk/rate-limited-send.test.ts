import { createRoom } from '../harness/chat-clients';
import { GatewayCluster } from '../harness/gateway-cluster';
import { closeEveryClient, sdkClient } from './sdk-clients';

const WINDOW_MS = 2500;

let cluster: GatewayCluster;
beforeAll(async () => {
  cluster = await GatewayCluster.start(__filename, 1, { MESSAGE_RATE_LIMIT: '1', MESSAGE_RATE_WINDOW_MS: String(WINDOW_MS) });
});
afterEach(closeEveryClient);
afterAll(() => cluster.stop());

async function refusedSends(): Promise<number> {
  const metrics = await (await fetch(`${cluster.url(0)}/metrics`)).text();
  return Number(/^campzone_gateway_rate_limited_total\{limit="message"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
}

test('a send refused as rate limited waits the retry time the gateway gives, not its own short backoff', async () => {
  await createRoom(cluster.url(0), 'val', 'throttled', []);
  // A 50 ms backoff would retry ~50 times inside the window if the server's hint were lost.
  const val = sdkClient(cluster.url(0), 'val', { outbox: { storage: false, retry: { baseMs: 50, maxMs: 50 }, maxAttempts: 10 } });
  await val.client.joinRoom('throttled');
  const started = performance.now();
  const first = val.client.send('throttled', 'first');
  const second = val.client.send('throttled', 'second');
  await first;
  const sent = await second;
  const waited = performance.now() - started;

  expect(sent).toMatchObject({ roomId: 'throttled', duplicate: false });
  expect(waited).toBeGreaterThanOrEqual(WINDOW_MS - 500);
  // Refused once, then sent when the window allowed it.
  expect(await refusedSends()).toBe(1);
});
