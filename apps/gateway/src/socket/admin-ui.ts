import type { GatewayConfig } from '@campzone/config';
import { instrument } from '@socket.io/admin-ui';
import type { Logger } from 'pino';
import type { ChatServer } from './socket-types';

/** The namespace the Socket.IO Admin UI connects to. */
export const ADMIN_UI_NAMESPACE = '/admin';

/**
 * The Socket.IO Admin UI, for ops who already use it: on only when SOCKET_ADMIN_UI_USERNAME and
 * SOCKET_ADMIN_UI_PASSWORD_HASH are set (config refuses one without the other), behind those
 * credentials alone, never a user's token.
 *
 * Read-only: its join, leave and disconnect buttons would move sockets in and out of rooms
 * behind the membership rules (a member removed by the UI would still be one in MongoDB).
 * Production mode: server stats and aggregated event counts, not an admin event per chat event
 * and socket (that would double the work of every broadcast, across the cluster through the
 * Redis adapter, and would show ops each socket's handshake headers, bearer tokens included).
 */
export function instrumentAdminUi(io: ChatServer, config: GatewayConfig, logger: Logger): () => void {
  const username = config.SOCKET_ADMIN_UI_USERNAME;
  const password = config.SOCKET_ADMIN_UI_PASSWORD_HASH;
  if (!username || !password) return () => undefined;
  // instrument() starts a stats timer and never stops it: a gateway closed in a process that
  // lives on (a test, a pod still draining) would go on publishing through a closed Redis
  // client. The timer is created synchronously inside the call, so it is caught here.
  const timers: ReturnType<typeof setInterval>[] = [];
  const original = globalThis.setInterval;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    const timer = original(...args);
    timers.push(timer);
    return timer;
  }) as typeof setInterval;
  try {
    instrument(io, {
      namespaceName: ADMIN_UI_NAMESPACE,
      auth: { type: 'basic', username, password },
      readonly: true,
      mode: 'production',
      serverId: config.POD_NAME,
    });
  } finally {
    globalThis.setInterval = original;
  }
  logger.info({ namespace: ADMIN_UI_NAMESPACE, username }, 'Socket.IO Admin UI is on');
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
