import type { ChatClientError } from '../src/chat-client-error';
import type { TokenRefreshFailedEvent } from '../src/chat-client-events';
import { clientHarness } from './client-harness';
import { FakeGateway } from './fake-gateway';

// On `token_expiring` the SDK asks its token provider for a fresh token and hands it to the
// open socket (`reauthenticate`); failures are told and retried while the old token is good.

async function expiringClient(getToken: (() => Promise<string>) | undefined, gateway = new FakeGateway()) {
  const harness = await clientHarness(getToken ? { token: undefined, getToken, random: () => 0.5 } : { random: () => 0.5 }, gateway);
  const failures: TokenRefreshFailedEvent[] = [];
  const warnings: string[] = [];
  harness.client.on('token_refresh_failed', (event) => failures.push(event));
  harness.client.on('token_expiring', (event) => warnings.push(event.expiresAt));
  const expire = (inMs: number) =>
    gateway.push({ event: 'token_expiring', payload: { expiresAt: new Date(harness.scheduler.now() + inMs).toISOString() } });
  return { ...harness, failures, warnings, expire };
}

describe('ChatClient token refresh', () => {
  it('hands the socket a fresh token from getToken when told token_expiring', async () => {
    let n = 0;
    const { gateway, scheduler, expire, warnings } = await expiringClient(async () => `token-${++n}`);
    expire(60_000);
    await scheduler.advance(0);
    expect(gateway.sent('reauthenticate')).toEqual([{ token: 'token-1' }]);
    expect(warnings).toHaveLength(1);
    expire(60_000);
    await scheduler.advance(0);
    expect(gateway.sent('reauthenticate')).toEqual([{ token: 'token-1' }, { token: 'token-2' }]);
  });

  it('tells a failing provider as token_refresh_failed and retries with backoff before exp', async () => {
    let calls = 0;
    const { gateway, scheduler, expire, failures, rec } = await expiringClient(async () => {
      calls += 1;
      if (calls <= 2) throw new Error('token endpoint down');
      return 'fresh';
    });
    expire(60_000);
    await scheduler.advance(0);
    expect(failures.map((f) => [f.attempt, f.error.message, f.retryInMs])).toEqual([[1, 'token endpoint down', 375]]);
    expect(gateway.sent('reauthenticate')).toEqual([]);
    await scheduler.advance(375);
    expect(failures.map((f) => [f.attempt, f.retryInMs])).toEqual([
      [1, 375],
      [2, 750],
    ]);
    await scheduler.advance(750);
    expect(gateway.sent('reauthenticate')).toEqual([{ token: 'fresh' }]);
    expect(failures).toHaveLength(2);
    expect(rec.errors).toEqual([]);
  });

  it('retries when the gateway refuses the new token', async () => {
    const gateway = new FakeGateway();
    let refusals = 1;
    gateway.override = (event) =>
      event === 'reauthenticate' && refusals-- > 0 ? { ok: false, error: { code: 'UNAUTHORIZED', message: 'invalid token' } } : undefined;
    const { scheduler, expire, failures } = await expiringClient(async () => 'fresh', gateway);
    expire(60_000);
    await scheduler.advance(0);
    expect(failures.map((f) => [f.error.code, f.error.source])).toEqual([['UNAUTHORIZED', 'server']]);
    await scheduler.advance(failures[0]!.retryInMs!);
    expect(gateway.sent('reauthenticate')).toHaveLength(2);
    expect(failures).toHaveLength(1);
  });

  it('gives up once no retry fits before exp: the reconnect after exp takes a fresh token', async () => {
    const { gateway, scheduler, expire, failures } = await expiringClient(async () => {
      throw new Error('down');
    });
    expire(1000);
    await scheduler.advance(0);
    await scheduler.advance(5000);
    expect(failures.map((f) => [f.attempt, f.retryInMs])).toEqual([
      [1, 375],
      [2, undefined],
    ]);
    expect(gateway.sent('reauthenticate')).toEqual([]);
  });

  it('with a static token only tells the app, which may call reauthenticate(token) itself', async () => {
    const { client, gateway, scheduler, expire, warnings } = await expiringClient(undefined);
    expire(60_000);
    await scheduler.advance(0);
    expect(warnings).toHaveLength(1);
    expect(gateway.sent('reauthenticate')).toEqual([]);
    await expect(client.reauthenticate('app-token')).resolves.toMatchObject({ userId: 'alice' });
    expect(gateway.sent('reauthenticate')).toEqual([{ token: 'app-token' }]);
  });

  it('rejects reauthenticate with the server code for a token of another user', async () => {
    const gateway = new FakeGateway();
    gateway.override = (event) =>
      event === 'reauthenticate' ? { ok: false, error: { code: 'FORBIDDEN', message: 'the token is for another user' } } : undefined;
    const { client } = await expiringClient(undefined, gateway);
    const err = (await client.reauthenticate('bob-token').catch((e: unknown) => e)) as ChatClientError;
    expect([err.code, err.event]).toEqual(['FORBIDDEN', 'reauthenticate']);
  });
});
