import { createClient } from 'redis';
import type { RedisClient } from './redis-client';

/**
 * A node-redis client whose first connect fails fast. node-redis would otherwise retry a first
 * connect forever on its own, with no deadline and nothing that says which attempt failed; the
 * start-up loop (retryUntilReady) retries it instead, with its backoff, log line and deadline.
 * Once the client has been ready, a dropped connection is retried by node-redis's default
 * curve (50 ms more per attempt, at most 500 ms), as before.
 * Each client is created here rather than with duplicate(): duplicate() would share the flag.
 */
export function createStartupRedisClient(url: string): RedisClient {
  let wasReady = false;
  const client: RedisClient = createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => (wasReady ? Math.min(retries * 50, 500) : false) },
  });
  client.on('ready', () => {
    wasReady = true;
  });
  return client;
}

/** Connects the clients not connected yet; one attempt for the start-up loop. */
export async function connectRedisClients(clients: readonly RedisClient[]): Promise<void> {
  // allSettled: a failed client must not leave another half-way through its connect.
  const results = await Promise.allSettled(clients.filter((c) => !c.isOpen).map((c) => c.connect()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
