import { closeAllClients, connectAs, connectWithToken, createRoom, eventually, sendArgs, tokenFor } from './harness/chat-clients';
import { GatewayCluster } from './harness/gateway-cluster';
import { closeEveryClient, sdkClient } from './sdk/sdk-clients';

afterEach(closeAllClients);

test('a user spread over two pods is limited in sum and limited messages are not stored', async () => {
  const cluster = await GatewayCluster.start(__filename, 2, { MESSAGE_RATE_LIMIT: '10', MESSAGE_RATE_WINDOW_MS: '60000' });
  try {
    await createRoom(cluster.url(0), 'zed', 'limited', []);
    const tabA = await connectAs(cluster.url(0), 'zed');
    const tabB = await connectAs(cluster.url(1), 'zed');
    const acks = await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 ? tabA : tabB).emitWithAck('send_message', sendArgs('limited', `m${i}`))),
    );
    const accepted = acks.filter((a) => a.ok);
    const refused = acks.filter((a) => !a.ok);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(6);
    for (const r of refused) {
      expect(r).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringMatching(/retry in \d+ ms/) } });
      // The hint the SDK's outbox waits for, as a number, within the window.
      const retryAfterMs = r.ok ? undefined : r.error.retryAfterMs;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    const db = await cluster.db();
    expect(await db.collection('messages').countDocuments({ roomId: 'limited' })).toBe(10);
    // Which pod refused depends on the race between the two tabs: count both.
    const pages = await Promise.all([0, 1].map(async (i) => (await fetch(`${cluster.url(i)}/metrics`)).text()));
    const refusals = pages.map((p) => Number(/^campzone_gateway_rate_limited_total\{limit="message"\} (\d+)/m.exec(p)?.[1] ?? 0));
    expect(refusals[0]! + refusals[1]!).toBe(6);
  } finally {
    await cluster.stop();
  }
});

test('connections beyond the per-address limit are refused with RATE_LIMITED on every pod', async () => {
  const cluster = await GatewayCluster.start(`${__filename}-conn`, 2, { CONNECT_RATE_LIMIT: '3', CONNECT_RATE_WINDOW_MS: '60000' });
  try {
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await connectWithToken(cluster.url(i % 2), tokenFor(`user${i}`)).then(
          () => 'connected',
          (err: Error & { data?: { code: string } }) => err.data?.code ?? err.message,
        ),
      );
    }
    expect(outcomes).toEqual(['connected', 'connected', 'connected', 'RATE_LIMITED', 'RATE_LIMITED']);
    // The refusal says when to come back.
    const refusal = await connectWithToken(cluster.url(0), tokenFor('user9')).then(
      () => undefined,
      (err: Error & { data?: { retryAfterMs?: number } }) => err.data,
    );
    expect(refusal?.retryAfterMs).toBeGreaterThan(0);
    expect(refusal?.retryAfterMs).toBeLessThanOrEqual(60_000);
  } finally {
    await cluster.stop();
  }
});

test('one user holds at most MAX_SOCKETS_PER_USER sockets across the pods; a closed one frees its place', async () => {
  const cluster = await GatewayCluster.start(`${__filename}-per-user`, 2, { MAX_SOCKETS_PER_USER: '2' });
  try {
    const first = await connectAs(cluster.url(0), 'tabby');
    await connectAs(cluster.url(1), 'tabby');
    const third = await connectAs(cluster.url(1), 'tabby').then(
      () => 'connected',
      (err: Error & { data?: { code: string; message: string } }) => err.data,
    );
    expect(third).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining('at most 2') });
    await connectAs(cluster.url(0), 'other-user');
    first.close();
    await eventually(
      () =>
        connectAs(cluster.url(0), 'tabby').then(
          () => true,
          () => false,
        ),
      'a place freed by the closed socket',
    );
  } finally {
    await cluster.stop();
  }
});

test('a pod past its connection rate refuses handshakes with spread-out retryAfterMs, and the SDK comes back after it', async () => {
  const cluster = await GatewayCluster.start(`${__filename}-pod-rate`, 1, { POD_CONNECT_RATE_PER_SEC: '1', POD_CONNECT_BURST: '2' });
  try {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        connectWithToken(cluster.url(0), tokenFor(`storm${i}`)).then(
          () => undefined,
          (err: Error & { data?: { code: string; retryAfterMs?: number } }) => err.data,
        ),
      ),
    );
    const refused = outcomes.filter((o) => o !== undefined);
    expect(outcomes.length - refused.length).toBe(2);
    expect(refused.map((r) => r.code)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Successive turns at 1/s: each refused client is told a later time than the one before.
    const waits = refused.map((r) => r.retryAfterMs ?? 0).sort((a, b) => a - b);
    for (let i = 1; i < waits.length; i++) expect(waits[i]! - waits[i - 1]!).toBeGreaterThanOrEqual(900);
    expect(waits.at(-1)).toBeLessThanOrEqual(5000);

    // The next turn is a few seconds away: the SDK is refused, waits the hint out (plus jitter), then gets in.
    const sdk = sdkClient(cluster.url(0), 'patient', { reconnection: { baseMs: 50, maxMs: 100 } });
    await sdk.connected(15_000);
    const refusal = sdk.connections.find((c) => c.state === 'reconnecting' && c.error?.code === 'RATE_LIMITED');
    if (refusal?.state !== 'reconnecting') throw new Error(`the SDK was not refused first: ${JSON.stringify(sdk.connections)}`);
    expect(refusal.error?.retryAfterMs).toBeGreaterThan(0);
    expect(refusal.delayMs).toBeGreaterThanOrEqual(refusal.error?.retryAfterMs ?? Number.POSITIVE_INFINITY);
    const pages = await (await fetch(`${cluster.url(0)}/metrics`)).text();
    expect(Number(/^campzone_gateway_rate_limited_total\{limit="pod_connect"\} (\d+)/m.exec(pages)?.[1] ?? 0)).toBeGreaterThanOrEqual(5);
  } finally {
    await closeEveryClient();
    await cluster.stop();
  }
});
