import type { ChatClientError } from './chat-client-error';
import { toChatClientError } from './chat-client-error';

export type AuthCallback = (data: { token: string }) => void;

/**
 * The handshake `auth` for socket.io-client, which calls it before every (re)connect: asks
 * `getToken` for a fresh token each time and remembers it. If `getToken` fails, the handshake
 * still goes out with the last token, so the server's verdict (UNAUTHORIZED or not) drives
 * what happens next instead of a connection attempt that hangs.
 */
export function tokenAuth(
  token: string | undefined,
  getToken: (() => string | Promise<string>) | undefined,
  onError: (err: ChatClientError) => void,
): (callback: AuthCallback) => void {
  let last = token;
  return (callback) => {
    if (!getToken) {
      callback({ token: last ?? '' });
      return;
    }
    Promise.resolve()
      .then(getToken)
      .then(
        (fresh) => {
          last = fresh;
          callback({ token: fresh });
        },
        (err: unknown) => {
          onError(toChatClientError(err, 'handshake'));
          callback({ token: last ?? '' });
        },
      );
  };
}
