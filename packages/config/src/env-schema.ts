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

/** `host:port,host:port,...` -> [{ host, port }]. */
const HostPortList = (description: string) =>
  Type.Transform(Type.String({ pattern: '^\\s*[A-Za-z0-9_.-]+:\\d{1,5}(\\s*,\\s*[A-Za-z0-9_.-]+:\\d{1,5})*\\s*$', description }))
    .Decode((s) =>
      s.split(',').map((entry) => {
        const [host = '', port = ''] = entry.trim().split(':');
        return { host, port: Number(port) };
      }),
    )
    .Encode((nodes) => nodes.map((n) => `${n.host}:${n.port}`).join(','));

const commonProps = {
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** Identifies this pod in logs, presence leases and metrics; defaults to the hostname. */
  POD_NAME: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$' })),
  /** One Redis; required unless REDIS_CLUSTER_NODES or REDIS_SENTINELS is set (the three are exclusive). */
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'redis://host:port[/db]' })),
  /** `host:port,host:port,...`: seed nodes of a Redis Cluster; the rest are discovered from them. */
  REDIS_CLUSTER_NODES: Type.Optional(HostPortList('host:port seed nodes of a Redis Cluster')),
  /**
   * `host:port,host:port,...`: Redis Sentinels that watch the master named REDIS_SENTINEL_MASTER;
   * every client asks them where the master is and follows it after a failover. Exclusive with
   * REDIS_URL and REDIS_CLUSTER_NODES.
   */
  REDIS_SENTINELS: Type.Optional(HostPortList('host:port of each Redis Sentinel')),
  /** The master name the sentinels monitor (`sentinel monitor <name> ...`); required with REDIS_SENTINELS. */
  REDIS_SENTINEL_MASTER: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'sentinel master name' })),
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
   * Write concern of every write: `majority` (an acknowledged message survives a failover) or a
   * number of members (`1` acks once the primary has it, and a failover can roll it back).
   */
  MONGO_WRITE_CONCERN: Type.Transform(Type.String({ pattern: '^(majority|[0-9]{1,2})$', default: 'majority' }))
    .Decode((s): 'majority' | number => (s === 'majority' ? 'majority' : Number(s)))
    .Encode((w) => String(w)),
  /** Where reads go; anything but `primary` can answer sync and history without what was just acknowledged. */
  MONGO_READ_PREFERENCE: Type.Union(
    (['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'] as const).map((m) => Type.Literal(m)),
    { default: 'primary' },
  ),
  /**
   * Watches every MongoDB command (the driver's command monitoring): documents written and read
   * commands per collection in /metrics, and every room-data command whose filter lacks roomId logged as an
   * error and counted. For tests and benchmarks; it costs a little CPU per command.
   */
  MONGO_COMMAND_CHECKS: Bool(false),
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
  /**
   * How often delivered cursors are copied from Redis to MongoDB: one document write per moved
   * member per flush, so this bounds the store's cursor writes however fast acks arrive. The
   * copy only matters after Redis loses the cursors, and a member's next ack raises them again.
   * 30 s, not 5: every acking member costs a document write (and an oplog entry) per interval,
   * 4,000/s for 20,000 members at 5 s; after a Redis loss the longer interval costs re-sends of
   * up to a minute's messages, which the SDK drops (docs/operations.md). Common to both apps:
   * after a Redis failover the worker rolls the active rooms up again once the copies have landed.
   */
  CURSOR_FLUSH_MS: Millis(30_000, 50),
  /**
   * Web Push (VAPID, RFC 8292) application server key, base64url of an uncompressed P-256 point:
   * the gateway hands it to browsers, the worker signs with its private half. Unset: no pushes.
   */
  VAPID_PUBLIC_KEY: Type.Optional(Type.String({ pattern: '^B[A-Za-z0-9_-]{86}$' })),
  /** Where attachment bytes live: `local` (a directory, for one-node installs and `npm start`) or `s3`. */
  ATTACHMENT_STORE: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local' }),
  /** The local store's directory (relative to the working directory); every gateway and worker must see the same one. */
  ATTACHMENT_DIR: Type.String({ minLength: 1, default: 'data/attachments' }),
  /** S3-compatible endpoint URL; unset for AWS itself. */
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_BUCKET: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  /** Unset: the AWS SDK's default chain (IRSA, instance role, AWS_* variables). */
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** `endpoint/bucket/key` addressing, which most S3-compatible servers need. */
  S3_FORCE_PATH_STYLE: Bool(false),
  /** How long a signed download URL (S3 store) works. */
  ATTACHMENT_URL_TTL_S: Type.Integer({ minimum: 10, maximum: 7 * 86_400, default: 300 }),
  /**
   * Webhook hosts (names or IP literals, comma-separated) exempt from the private-address check:
   * outgoing webhooks refuse loopback, private and link-local addresses unless their host is here.
   * Common to both apps: the gateway checks a URL when it is registered, the worker on every delivery.
   */
  WEBHOOK_ALLOWED_HOSTS: CsvList(''),
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
  /**
   * How long the first message of a batch waits for company, while the pod takes at least
   * WRITE_BATCH_WINDOW_MIN_RATE sends/s. 5 ms: at 200 msg/s on 3 pods it cut gateway CPU per
   * delivery 9 % against 2 ms (fewer, larger inserts) on the code of 2026-12-05; at 250 msg/s, 0
   * cost about a fifth more gateway CPU (docs/benchmarks.md, "The batching window, priced again").
   */
  WRITE_BATCH_WINDOW_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 5 }),
  /**
   * Sends per second on this pod below which the window is not waited (0 = always wait). At 50
   * a pod the window put 1.07-1.17 messages in an insert and doubled the median delivery; at 83 it
   * cut inserts 28-33 % against no window (docs/benchmarks.md, "The batching window, priced
   * again" and "... waited only when company is likely").
   */
  WRITE_BATCH_WINDOW_MIN_RATE: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 60 }),
  /** Message batches on the wire at once per pod; later sends gather into the next batch. */
  WRITE_BATCH_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 1 }),
  /** Messages waiting for MongoDB per pod at most; beyond it sends are refused UNAVAILABLE at once. */
  WRITE_QUEUE_MAX: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000 }),
  SHUTDOWN_TIMEOUT_MS: Millis(10_000),
  /** SIGTERM: after in-flight sends, the pod's sockets are closed in batches spread over this long. */
  DRAIN_DISCONNECT_MS: Millis(3000, 0),
  MESSAGE_RATE_LIMIT: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 60 }),
  MESSAGE_RATE_WINDOW_MS: Millis(10_000, 100),
  CONNECT_RATE_LIMIT: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 120 }),
  CONNECT_RATE_WINDOW_MS: Millis(60_000, 100),
  /**
   * Handshakes this pod admits per second (0: no limit), after a burst of POD_CONNECT_BURST;
   * past it they are refused RATE_LIMITED with a retryAfterMs (a reconnect storm is paced).
   */
  POD_CONNECT_RATE_PER_SEC: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 200 }),
  POD_CONNECT_BURST: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 400 }),
  /** Take the client address from X-Forwarded-For (behind a trusted load balancer only). */
  TRUST_PROXY: Bool(false),
  SERVE_WEB_CLIENT: Bool(true),
  /**
   * Hosts a push subscription's endpoint may point at (a host matches an entry or ends with
   * `.entry`): the push services of Chrome/Edge (FCM), Firefox, Windows and Safari. The worker
   * POSTs to these URLs, so an open list would let any user aim it at an internal address.
   */
  PUSH_ENDPOINT_HOSTS: CsvList('fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com'),
  /** Tests and local development only: accept http:// endpoints on any host (refused with NODE_ENV=production). */
  PUSH_ALLOW_INSECURE_ENDPOINTS: Bool(false),
  /** The largest upload; reading stops there and the upload is refused 413. */
  ATTACHMENT_MAX_BYTES: Type.Integer({ minimum: 1, maximum: 5 * 1024 * 1024 * 1024, default: 25 * 1024 * 1024 }),
  /** Content types (decided from the bytes) an upload may have; executables, HTML and SVG are refused whatever this says. */
  ATTACHMENT_ALLOWED_TYPES: CsvList('image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,application/zip'),
  /** The OpenAPI and AsyncAPI documents and their rendered reference at /docs; unset = on unless NODE_ENV=production. */
  API_DOCS_ENABLED: Type.Optional(Type.Boolean()),
  /** Both set: the Socket.IO Admin UI may connect to the `/admin` namespace with these credentials. */
  SOCKET_ADMIN_UI_USERNAME: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** A bcrypt hash of the Admin UI's password (`$2b$12$...`), never the password itself. */
  SOCKET_ADMIN_UI_PASSWORD_HASH: Type.Optional(Type.String({ pattern: '^\\$2[aby]\\$\\d{2}\\$[./A-Za-z0-9]{53}$' })),
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
  /** Optional scan hook: the worker POSTs each upload's bytes here and expects `{"result": "clean" | "infected"}`. */
  ATTACHMENT_SCAN_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** A scan unanswered this long fails the try; the job retries with backoff. */
  ATTACHMENT_SCAN_TIMEOUT_MS: Millis(30_000, 100),
  /** An outgoing webhook request unanswered this long (connect, send, headers and body) fails the attempt. */
  WEBHOOK_TIMEOUT_MS: Millis(10_000, 100),
  /** Attempts per webhook delivery (the first included); after the last failure the webhook is marked `failing`. */
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 6 }),
  /** The first retry's delay; each next one doubles it (exponential backoff). */
  WEBHOOK_BACKOFF_MS: Millis(5000, 10),
  /** Delivery-log entries kept per webhook (older ones are deleted as new ones arrive). */
  WEBHOOK_DELIVERY_LOG_MAX: Type.Integer({ minimum: 1, maximum: 100_000, default: 200 }),
  /** How often the worker looks for webhook events that no delivery batch announced (a gateway died after its ack). */
  WEBHOOK_DISPATCH_INTERVAL_MS: Millis(5000, 100),
  BULL_BOARD_ENABLED: Bool(false),
  BULL_BOARD_USER: Type.Optional(Type.String({ minLength: 1 })),
  BULL_BOARD_PASSWORD: Type.Optional(Type.String({ minLength: 12 })),
  /** The private half of VAPID_PUBLIC_KEY (base64url, 32 bytes); both or neither. */
  VAPID_PRIVATE_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' })),
  /** Who runs this server, for push services to contact (RFC 8292 `sub`): a mailto: or https: URL. */
  VAPID_SUBJECT: Type.String({ pattern: '^(mailto:|https://).+', default: 'mailto:chat-admin@campzone.invalid' }),
  /**
   * How long an offline member has to read a message before it is pushed to them; messages of one
   * room arriving meanwhile fold into the same notification.
   */
  NOTIFY_DELAY_MS: Millis(30_000, 0),
  /** A push service that does not answer within this is given up on (the job retries). */
  PUSH_TIMEOUT_MS: Millis(10_000, 100),
});

export type CommonEnv = StaticDecode<typeof CommonEnvSchema>;
export type GatewayEnv = StaticDecode<typeof GatewayEnvSchema>;
export type WorkerEnv = StaticDecode<typeof WorkerEnvSchema>;
