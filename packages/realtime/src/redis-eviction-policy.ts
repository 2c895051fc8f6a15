import { isCluster, type RedisClient, type RedisConnection } from './redis-client';

/** The part of a pino logger the check writes to (realtime does not depend on pino). */
export interface EvictionPolicyLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** What one server answered: its policy, or why it could not be read. */
export type EvictionPolicyReading = { server: string; policy: string } | { server: string; unreadable: string };

/**
 * Reads `maxmemory-policy` from every server the connection writes to (each master of a
 * cluster) and warns for each that is not `noeviction`: an evicting Redis can drop BullMQ's
 * job keys, the message counters (a dropped seq counter is re-seeded, but a queued job is
 * lost) and idempotency keys. BullMQ's production guide names noeviction the only safe policy.
 * Managed Redis services often refuse CONFIG: that is logged as unknown, not an error.
 */
export async function checkEvictionPolicy(connection: RedisConnection, logger: EvictionPolicyLogger): Promise<EvictionPolicyReading[]> {
  const servers: Array<{ server: string; client: RedisClient }> = isCluster(connection)
    ? await Promise.all(
        connection.masters.map(async (master) => ({
          server: `${master.host}:${master.port}`,
          client: await connection.nodeClient(master),
        })),
      )
    : [{ server: 'redis', client: connection }];
  const readings = await Promise.all(servers.map(({ server, client }) => readPolicy(server, client)));
  for (const reading of readings) {
    if ('unreadable' in reading) {
      logger.warn(
        { server: reading.server, reason: reading.unreadable },
        'could not read Redis maxmemory-policy (CONFIG refused?): make sure it is noeviction',
      );
    } else if (reading.policy !== 'noeviction') {
      logger.warn(
        { server: reading.server, maxmemoryPolicy: reading.policy },
        'Redis maxmemory-policy is not noeviction: under memory pressure Redis may evict queued jobs and counters; set maxmemory-policy noeviction',
      );
    }
  }
  return readings;
}

async function readPolicy(server: string, client: RedisClient): Promise<EvictionPolicyReading> {
  try {
    const reply = await client.configGet('maxmemory-policy');
    const policy = reply['maxmemory-policy'];
    return policy === undefined ? { server, unreadable: 'no maxmemory-policy in the CONFIG GET reply' } : { server, policy };
  } catch (err) {
    return { server, unreadable: err instanceof Error ? err.message : String(err) };
  }
}
