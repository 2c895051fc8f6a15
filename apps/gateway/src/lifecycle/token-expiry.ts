import { ErrorCode } from '@campzone/protocol';
import type { ChatServer } from '../socket/socket-types';

/** How often this pod's sockets are checked: an expired one closes within this. */
const TICK_MS = 1000;

/**
 * Tells each socket `token_expiring` TOKEN_EXPIRY_WARNING_MS before its token's `exp`, and
 * disconnects it at `exp` unless a `reauthenticate` moved it. One timer per pod walks the local
 * sockets (a timer per socket would cost every idle connection memory); 10,000 sockets take
 * well under a millisecond a tick.
 */
export function startTokenExpiry(io: ChatServer, warningMs: number): { stop(): void } {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const socket of io.of('/').sockets.values()) {
      const { expiresAtMs } = socket.data;
      if (now >= expiresAtMs) {
        socket.emit('error', { code: ErrorCode.UNAUTHORIZED, message: 'token expired', event: 'reauthenticate' });
        socket.disconnect(true);
      } else if (!socket.data.warned && now >= expiresAtMs - warningMs) {
        socket.data.warned = true;
        socket.emit('token_expiring', { expiresAt: new Date(expiresAtMs).toISOString() });
      }
    }
  }, TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
