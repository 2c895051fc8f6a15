import type { createClient } from 'redis';

/** The node-redis v4 client this package works with (v5 changed the API the Socket.IO adapter uses). */
export type RedisClient = ReturnType<typeof createClient>;

/** The subset of commands scripts need, so a client or a cluster-aware wrapper both fit. */
export type ScriptClient = Pick<RedisClient, 'evalSha' | 'scriptLoad'>;
