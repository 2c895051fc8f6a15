import { clientHarness } from './client-harness';
import { FakeGateway } from './fake-gateway';

// The SDK times every reconnect itself: full jitter over a doubling window, and never sooner
// than a refusing gateway's retryAfterMs. random() = 0.5 puts each delay at half its window.

describe('ChatClient reconnects', () => {
  it('after a lost connection (a killed pod), within the first window, on its own', async () => {
    const { gateway, rec, scheduler, client } = await clientHarness({ random: () => 0.5, reconnection: { baseMs: 500, maxMs: 10_000 } });
    gateway.lose();
    expect(rec.connection.at(-1)).toEqual({ state: 'reconnecting', attempt: 1, delayMs: 250 });
    await scheduler.advance(249);
    expect(gateway.connectCalls).toBe(1);
    await scheduler.advance(1);
    expect(gateway.connectCalls).toBe(2);
    expect(client.connected).toBe(true);
    expect(rec.connection.at(-1)).toMatchObject({ state: 'connected', reconnect: true });
  });

  it('doubles the window per failed attempt up to the cap, reporting no error for network failures', async () => {
    const gateway = new FakeGateway();
    const { rec, scheduler } = await clientHarness({ random: () => 0.5, reconnection: { baseMs: 500, maxMs: 4000 } }, gateway);
    gateway.autoAccept = false;
    gateway.lose();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const state = rec.connection.at(-1);
      if (state?.state !== 'reconnecting' || state.delayMs === undefined) throw new Error(`not reconnecting: ${JSON.stringify(state)}`);
      delays.push(state.delayMs);
      await scheduler.advance(state.delayMs);
      gateway.refuse('websocket error');
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(gateway.connectCalls).toBe(7);
    expect(rec.errors).toEqual([]);
  });

  it("waits out a gateway's retryAfterMs (its connection rate limit) plus jitter before trying again", async () => {
    const gateway = new FakeGateway();
    const { rec, scheduler, client } = await clientHarness({ random: () => 0.5, reconnection: { baseMs: 500, maxMs: 10_000 } }, gateway);
    gateway.autoAccept = false;
    gateway.lose();
    await scheduler.advance(250);
    expect(gateway.connectCalls).toBe(2);
    gateway.refuse('RATE_LIMITED', false, 4000);
    const state = rec.connection.at(-1);
    expect(state).toMatchObject({ state: 'reconnecting', attempt: 2, delayMs: 4500 });
    expect(rec.errors.map((e) => [e.code, e.source, e.retryAfterMs])).toEqual([['RATE_LIMITED', 'handshake', 4000]]);
    await scheduler.advance(4499);
    expect(gateway.connectCalls).toBe(2);
    gateway.autoAccept = true;
    await scheduler.advance(1);
    expect(gateway.connectCalls).toBe(3);
    expect(client.connected).toBe(true);
  });

  it('starts from the first window again after a successful connect', async () => {
    const gateway = new FakeGateway();
    const { rec, scheduler } = await clientHarness({ random: () => 0.5, reconnection: { baseMs: 500, maxMs: 10_000 } }, gateway);
    gateway.autoAccept = false;
    gateway.lose();
    await scheduler.advance(250);
    gateway.refuse('websocket error');
    expect(rec.connection.at(-1)).toMatchObject({ attempt: 2, delayMs: 500 });
    gateway.autoAccept = true;
    await scheduler.advance(500);
    gateway.lose();
    expect(rec.connection.at(-1)).toEqual({ state: 'reconnecting', attempt: 1, delayMs: 250 });
  });

  it('does not come back after its own disconnect()', async () => {
    const { gateway, rec, scheduler, client } = await clientHarness({ random: () => 0.5 });
    client.disconnect();
    await scheduler.advance(60_000);
    expect(gateway.connectCalls).toBe(1);
    expect(rec.connection.at(-1)).toEqual({ state: 'disconnected', reason: 'io client disconnect' });
  });
});
