import { type StaticDecode, Type } from '@sinclair/typebox';

// Every environment variable either app reads, with its default. Values arrive as strings;
// the loader converts them to these types, so nothing else parses process.env.

const Port = (dflt: number) => Type.Integer({ minimum: 0, maximum: 65535, default: dflt });
const Millis = (dflt: number, minimum = 1) => Type.Integer({ minimum, maximum: 86_400_000, default: dflt });
const Bool = (dflt: boolean) => Type.Boolean({ default: dflt });
/** Comma-separated list: `a, b` -> ['a', 'b']; empty -> []. */
const CsvList = (dflt: string) =>
  Type.Transform(Type.String({ default: dflt }))
    .Decode((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .Encode((a) => a.join(','));
const CsvMillis = (dflt: string) =>
  Type.Transform(Type.String({ default: dflt, pattern: '^\\s*\\d+(\\s*,\\s*\\d+)*\\s*$' }))
    .Decode((s) => s.split(',').map((x) => Number(x.trim())))
    .Encode((a) => a.join(','));

const commonProps = {
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** Identifies this pod in logs, presence leases and metrics; defaults to the hostname. */
  POD_NAME: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$' })),
  /** One Redis; required unless REDIS_CLUSTER_NODES is set (the two are exclusive). */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'redis://host:port[/db]' })),
  /** `host:port,host:port,...`: seed nodes of a Redis Cluster; the rest are discovered from them. */
  REDIS_CLUSTER_NODES: Type.Optional(
    Type.Transform(Type.String({ pattern: '^\\s*[A-Za-z0-9_.-]+:\\d{1,5}(\\s*,\\s*[A-Za-z0-9_.-]+:\\d{1,5})*\\s*$' }))
      .Decode((s) =>
        s.split(',').map((entry) => {
          const [host = '', port = ''] = entry.trim().split(':');
          return { host, port: Number(port) };
        }),
      )
      .Encode((nodes) => nodes.map((n) => `${n.host}:${n.port}`).join(',')),
  ),
  /**
   * `classic` pub/sub, or `sharded` (Redis 7 SSUBSCRIBE) for large clusters; the default with
   * REDIS_CLUSTER_NODES. Both apps read it: the worker's re-sends and announcements use the
   * gateways' channels.
   */
  REDIS_ADAPTER: Type.Optional(Type.Union([Type.Literal('classic'), Type.Literal('sharded')])),
  /** Prefix of every Redis key, channel and queue, so deployments (and test runs) can share a server. */
  REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', default: 'cz' }),
  MONGO_URL: Type.String({ pattern: '^mongodb(\\+srv)?://', description: 'mongodb://host:port' }),
  MONGO_DB: Type.String({ pattern: '^[A-Za-z0-9_-]{1,63}$', default: 'campzone' }),
  /**
   * A MongoDB operation with no answer for this long fails instead of hanging (and with it every
   * send behind it). Generous: FerretDB answers slowly under load, and the worker's sweeps read
   * the whole queue log.
   */
  MONGO_SOCKET_TIMEOUT_MS: Millis(30_000, 500),
  /** How long an operation may wait for a free pooled MongoDB connection before it fails. */
  MONGO_WAIT_QUEUE_TIMEOUT_MS: Millis(5000, 100),
  /**
   * Redis and MongoDB may come up after the pod (a fresh cluster, a rolling deploy): start-up
   * retries with backoff for this long, then exits non-zero.
   */
  STARTUP_DEADLINE_MS: Millis(120_000, 1000),
  /** 32 bytes, base64 or hex: turns on AES-256-GCM encryption of message content at rest. */
  ENCRYPTION_MASTER_KEY: Type.Optional(Type.String({ minLength: 1 })),
  MAX_CONTENT_LENGTH: Type.Integer({ minimum: 1, maximum: 100_000, default: 4000 }),
  PRESENCE_LEASE_MS: Millis(15_000, 1000),
  TYPING_TTL_MS: Millis(30_000, 100),
  DELIVERY_RETRY_DELAYS_MS: CsvMillis('1000,5000,15000'),
  /**
   * How long a room's status rollup waits for company: cursor moves within it share one job.
   * Common to both apps because the gateway's producer sets the delay when it enqueues.
   */
  ROLLUP_DELAY_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000 }),
};

export const CommonEnvSchema = Type.Object(commonProps);

export const GatewayEnvSchema = Type.Object({
  ...commonProps,
  PORT: Port(3000),
  HOST: Type.String({ default: '0.0.0.0' }),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  JWT_PUBLIC_KEY: Type.Optional(Type.String({ pattern: 'BEGIN PUBLIC KEY' })),
  JWT_ALGORITHM: Type.Optional(Type.Union([Type.Literal('HS256'), Type.Literal('RS256'), Type.Literal('ES256')])),
  JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_DEV_TOKENS: Bool(false),
  DEV_TOKEN_TTL_S: Type.Integer({ minimum: 60, maximum: 30 * 86_400, default: 86_400 }),
  CORS_ORIGINS: CsvList(''),
  /** `websocket` (default) or `websocket,polling`; polling needs sticky sessions at the balancer. */
  SOCKET_TRANSPORTS: Type.Union([Type.Literal('websocket'), Type.Literal('websocket,polling')], { default: 'websocket' }),
  /** The engine's largest packet; 64 KiB (OWASP's advice) holds a send of MAX_CONTENT_LENGTH (4,000) many times over. */
  MAX_HTTP_BUFFER_SIZE: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 65_536 }),
  /** A send unanswered this long (a slow or partitioned store) is refused UNAVAILABLE; its client retries with the same key. */
  SEND_TIMEOUT_MS: Millis(10_000, 100),
  /** How long before its token's `exp` a socket is told `token_expiring` (it is disconnected at `exp`). */
  TOKEN_EXPIRY_WARNING_MS: Millis(60_000, 1000),
  /** Sockets one user may hold across every pod; more are refused at the handshake. */
  MAX_SOCKETS_PER_USER: Type.Integer({ minimum: 1, maximum: 10_000, default: 20 }),
  /** How long after sending its author may edit a message; 0 = no limit. */
  MESSAGE_EDIT_WINDOW_MS: Type.Integer({ minimum: 0, maximum: 365 * 86_400_000, default: 0 }),
  WRITE_BATCH_MAX: Type.Integer({ minimum: 1, maximum: 5000, default: 256 }),
  WRITE_BATCH_WINDOW_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 2 }),
  /** Message batches on the wire at once per pod; later sends gather into the next batch. */
  WRITE_BATCH_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  /** Messages waiting for MongoDB per pod at most; beyond it sends are refused UNAVAILABLE at once. */
  WRITE_QUEUE_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
  /**
   * How often delivered cursors are copied from Redis to MongoDB: one update per moved member
   * per flush, so this bounds the store's cursor writes however fast acks arrive. The copy only
   * matters after Redis loses them, and a member's next ack raises them again.
   */
  CURSOR_FLUSH_MS: Millis(5000, 50),
  SHUTDOWN_TIMEOUT_MS: Millis(10_000),
  /** SIGTERM: after in-flight sends, the pod's sockets are closed in batches spread over this long. */
  DRAIN_DISCONNECT_MS: Millis(3000, 0),
  MESSAGE_RATE_LIMIT: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 60 }),
  MESSAGE_RATE_WINDOW_MS: Millis(10_000, 100),
  CONNECT_RATE_LIMIT: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 120 }),
  CONNECT_RATE_WINDOW_MS: Millis(60_000, 100),
  /** Take the client address from X-Forwarded-For (behind a trusted load balancer only). */
  TRUST_PROXY: Bool(false),
  SERVE_WEB_CLIENT: Bool(true),
});

export const WorkerEnvSchema = Type.Object({
  ...commonProps,
  PORT: Port(3001),
  HOST: Type.String({ default: '0.0.0.0' }),
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 16 }),
  SWEEP_INTERVAL_MS: Millis(60_000, 100),
  /** After the last retry, how long an online member may take to ack before the queue log says FAILED. */
  DELIVERY_ACK_TIMEOUT_MS: Millis(5000, 10),
  /** BullMQ job lock: a worker that stops renewing it (crashed, frozen) loses its jobs to another worker. */
  WORKER_LOCK_DURATION_MS: Millis(30_000, 500),
  /** How often each worker looks for jobs whose lock lapsed (stalled) and hands them back to the queue. */
  WORKER_STALLED_INTERVAL_MS: Millis(30_000, 200),
  /** How often one job may stall before it is failed instead of handed back (jobs are idempotent). */
  WORKER_MAX_STALLED_COUNT: Type.Integer({ minimum: 0, maximum: 100, default: 3 }),
  /** SIGTERM: in-flight jobs get this long to finish; the rest are handed back to other workers. */
  SHUTDOWN_TIMEOUT_MS: Millis(10_000),
  /** Finished (DELIVERED/FAILED) queue-log entries older than this are swept; 0 keeps them forever. */
  QUEUE_LOG_RETENTION_HOURS: Type.Integer({ minimum: 0, maximum: 24 * 365, default: 24 * 7 }),
  /** PENDING/RETRY queue-log entries whose next retry is this overdue lost their job: the sweep fails them. */
  QUEUE_LOG_STALE_MS: Millis(600_000, 1000),
  BULL_BOARD_ENABLED: Bool(false),
  BULL_BOARD_USER: Type.Optional(Type.String({ minLength: 1 })),
  BULL_BOARD_PASSWORD: Type.Optional(Type.String({ minLength: 12 })),
});

export type CommonEnv = StaticDecode<typeof CommonEnvSchema>;
export type GatewayEnv = StaticDecode<typeof GatewayEnvSchema>;
export type WorkerEnv = StaticDecode<typeof WorkerEnvSchema>;
