import type { ChatClientError } from '../src/chat-client-error';
import { tokenAuth } from '../src/token-auth';

const handshake = (auth: ReturnType<typeof tokenAuth>) => new Promise<{ token: string }>((resolve) => auth(resolve));

describe('tokenAuth', () => {
  it('sends the static token when there is no getToken', async () => {
    await expect(handshake(tokenAuth('static', undefined, () => undefined))).resolves.toEqual({ token: 'static' });
  });

  it('asks getToken before every (re)connect', async () => {
    let n = 0;
    const auth = tokenAuth(
      undefined,
      async () => `token-${++n}`,
      () => undefined,
    );
    await expect(handshake(auth)).resolves.toEqual({ token: 'token-1' });
    await expect(handshake(auth)).resolves.toEqual({ token: 'token-2' });
  });

  it('falls back to the last good token and reports the failure when getToken throws', async () => {
    const errors: ChatClientError[] = [];
    let fail = false;
    const auth = tokenAuth(
      'initial',
      () => {
        if (fail) throw new Error('refresh endpoint down');
        return 'refreshed';
      },
      (e) => errors.push(e),
    );
    await expect(handshake(auth)).resolves.toEqual({ token: 'refreshed' });
    fail = true;
    await expect(handshake(auth)).resolves.toEqual({ token: 'refreshed' });
    expect(errors.map((e) => [e.source, e.message])).toEqual([['handshake', 'refresh endpoint down']]);
  });
});
