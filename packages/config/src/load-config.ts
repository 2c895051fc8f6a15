import { hostname } from 'node:os';
import type { StaticDecode, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type CommonEnv, type GatewayEnv, GatewayEnvSchema, type WorkerEnv, WorkerEnvSchema } from './env-schema';

/** Thrown with one line that names the variable and what is wrong; main.ts prints it and exits. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Reads only the schema's variables; an empty string counts as unset. */
export function parseEnv<T extends TObject>(schema: T, env: Env): StaticDecode<T> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(schema, raw);
  const converted = Value.Convert(schema, withDefaults);
  const first = Value.Errors(schema, converted).First();
  if (first) {
    const key = first.path.split('/')[1] ?? '(env)';
    const got = raw[key];
    if (got === undefined) throw new ConfigError(`Invalid configuration: ${key} is required (it is missing)`);
    throw new ConfigError(`Invalid configuration: ${key} ${first.message.toLowerCase()} (got ${JSON.stringify(redact(key, String(got)))})`);
  }
  return Value.Decode(schema, converted);
}

function redact(key: string, value: string): string {
  return /SECRET|PASSWORD|KEY/.test(key) ? '<redacted>' : value;
}

export interface JwtSettings {
  algorithm: 'HS256' | 'RS256' | 'ES256';
  /** HS256 secret or PEM public key: what verifies a token. */
  verifyKey: string;
  /** Only HS256 can sign dev tokens. */
  signKey?: string;
  audience?: string;
  issuer?: string;
}

/** Where attachments live; matches @campzone/objects' ObjectStoreSettings (config imports no runtime package). */
export type AttachmentStoreSettings =
  | { kind: 'local'; directory: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      endpoint?: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      forcePathStyle: boolean;
      urlTtlSeconds: number;
    };

/**
 * Where Redis is: one server (REDIS_URL), a Redis Cluster (REDIS_CLUSTER_NODES), or a master
 * and its replicas watched by Redis Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_MASTER).
 */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: Array<{ host: string; port: number }> }
  | { mode: 'sentinel'; sentinels: Array<{ host: string; port: number }>; masterName: string };
export type RedisAdapterKind = 'classic' | 'sharded';

interface RedisSettings {
  redis: RedisTarget;
  REDIS_ADAPTER: RedisAdapterKind;
}

export type GatewayConfig = Omit<GatewayEnv, 'REDIS_ADAPTER'> &
  RedisSettings & {
    POD_NAME: string;
    jwt: JwtSettings;
    masterKey?: Buffer;
    attachmentStore: AttachmentStoreSettings;
    /** API_DOCS_ENABLED, its default resolved. */
    apiDocs: boolean;
  };
export type WorkerConfig = Omit<WorkerEnv, 'REDIS_ADAPTER'> &
  RedisSettings & { POD_NAME: string; masterKey?: Buffer; attachmentStore: AttachmentStoreSettings };

export function loadGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseEnv(GatewayEnvSchema, env);
  const jwt = resolveJwt(parsed);
  if (parsed.AUTH_DEV_TOKENS && parsed.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: AUTH_DEV_TOKENS must be false when NODE_ENV=production');
  }
  // A send's JSON holds at most 6 bytes per UTF-16 unit of content (\uXXXX escapes), plus its envelope.
  const largestSend = parsed.MAX_CONTENT_LENGTH * 6 + 1024;
  if (parsed.MAX_HTTP_BUFFER_SIZE < largestSend) {
    throw new ConfigError(
      `Invalid configuration: MAX_HTTP_BUFFER_SIZE ${parsed.MAX_HTTP_BUFFER_SIZE} is below the largest valid send (${largestSend} bytes for MAX_CONTENT_LENGTH ${parsed.MAX_CONTENT_LENGTH}); raise it`,
    );
  }
  if (parsed.PUSH_ALLOW_INSECURE_ENDPOINTS && parsed.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: PUSH_ALLOW_INSECURE_ENDPOINTS must be false when NODE_ENV=production');
  }
  if (parsed.AUTH_DEV_TOKENS && !jwt.signKey) {
    throw new ConfigError('Invalid configuration: AUTH_DEV_TOKENS needs JWT_SECRET (dev tokens are signed with HS256)');
  }
  if (Boolean(parsed.SOCKET_ADMIN_UI_USERNAME) !== Boolean(parsed.SOCKET_ADMIN_UI_PASSWORD_HASH)) {
    throw new ConfigError(
      'Invalid configuration: SOCKET_ADMIN_UI_USERNAME and SOCKET_ADMIN_UI_PASSWORD_HASH go together: set both or neither',
    );
  }
  return {
    ...parsed,
    ...redisSettingsOf(parsed),
    POD_NAME: parsed.POD_NAME ?? hostname(),
    jwt,
    apiDocs: parsed.API_DOCS_ENABLED ?? parsed.NODE_ENV !== 'production',
    ...masterKeyOf(parsed.ENCRYPTION_MASTER_KEY),
    attachmentStore: attachmentStoreOf(parsed),
  };
}

export function loadWorkerConfig(env: Env): WorkerConfig {
  const parsed = parseEnv(WorkerEnvSchema, env);
  if (parsed.BULL_BOARD_ENABLED && !(parsed.BULL_BOARD_USER && parsed.BULL_BOARD_PASSWORD)) {
    throw new ConfigError('Invalid configuration: BULL_BOARD_ENABLED needs BULL_BOARD_USER and BULL_BOARD_PASSWORD');
  }
  if (Boolean(parsed.VAPID_PUBLIC_KEY) !== Boolean(parsed.VAPID_PRIVATE_KEY)) {
    throw new ConfigError('Invalid configuration: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are a pair: set both or neither');
  }
  return {
    ...parsed,
    ...redisSettingsOf(parsed),
    POD_NAME: parsed.POD_NAME ?? hostname(),
    ...masterKeyOf(parsed.ENCRYPTION_MASTER_KEY),
    attachmentStore: attachmentStoreOf(parsed),
  };
}

function attachmentStoreOf(env: CommonEnv): AttachmentStoreSettings {
  if (env.ATTACHMENT_STORE === 'local') return { kind: 'local', directory: env.ATTACHMENT_DIR };
  if (!env.S3_BUCKET) throw new ConfigError('Invalid configuration: ATTACHMENT_STORE=s3 needs S3_BUCKET');
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError('Invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both or neither');
  }
  return {
    kind: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    urlTtlSeconds: env.ATTACHMENT_URL_TTL_S,
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
      ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
      : {}),
  };
}

function redisSettingsOf(
  env: Pick<GatewayEnv, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_MASTER' | 'REDIS_ADAPTER'>,
): RedisSettings {
  const nodes = env.REDIS_CLUSTER_NODES;
  const sentinels = env.REDIS_SENTINELS;
  const chosen = [env.REDIS_URL && 'REDIS_URL', nodes && 'REDIS_CLUSTER_NODES', sentinels && 'REDIS_SENTINELS'].filter(Boolean);
  if (chosen.length > 1) {
    throw new ConfigError(`Invalid configuration: ${chosen.join(' and ')} are exclusive: set one`);
  }
  if (env.REDIS_SENTINEL_MASTER && !sentinels) {
    throw new ConfigError('Invalid configuration: REDIS_SENTINEL_MASTER needs REDIS_SENTINELS (the sentinels that watch it)');
  }
  if (sentinels) {
    if (!env.REDIS_SENTINEL_MASTER) {
      throw new ConfigError('Invalid configuration: REDIS_SENTINELS needs REDIS_SENTINEL_MASTER (the master name the sentinels monitor)');
    }
    return { redis: { mode: 'sentinel', sentinels, masterName: env.REDIS_SENTINEL_MASTER }, REDIS_ADAPTER: env.REDIS_ADAPTER ?? 'classic' };
  }
  if (nodes) {
    // Classic pub/sub on a Redis Cluster sends every publish to every node: the sharded adapter is the one that scales.
    if (env.REDIS_ADAPTER === 'classic') {
      throw new ConfigError('Invalid configuration: REDIS_CLUSTER_NODES needs REDIS_ADAPTER=sharded (got "classic")');
    }
    return { redis: { mode: 'cluster', nodes }, REDIS_ADAPTER: 'sharded' };
  }
  if (!env.REDIS_URL)
    throw new ConfigError('Invalid configuration: REDIS_URL is required (it is missing; or set REDIS_CLUSTER_NODES or REDIS_SENTINELS)');
  return { redis: { mode: 'single', url: env.REDIS_URL }, REDIS_ADAPTER: env.REDIS_ADAPTER ?? 'classic' };
}

function resolveJwt(env: GatewayEnv): JwtSettings {
  const claims = { ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}), ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}) };
  if (env.JWT_SECRET && env.JWT_PUBLIC_KEY) {
    throw new ConfigError('Invalid configuration: JWT_SECRET and JWT_PUBLIC_KEY are exclusive: set one');
  }
  if (env.JWT_SECRET) {
    if (env.JWT_ALGORITHM && env.JWT_ALGORITHM !== 'HS256') {
      throw new ConfigError(`Invalid configuration: JWT_ALGORITHM ${env.JWT_ALGORITHM} needs JWT_PUBLIC_KEY, not JWT_SECRET`);
    }
    return { algorithm: 'HS256', verifyKey: env.JWT_SECRET, signKey: env.JWT_SECRET, ...claims };
  }
  if (env.JWT_PUBLIC_KEY) {
    const algorithm = env.JWT_ALGORITHM ?? 'RS256';
    if (algorithm === 'HS256') throw new ConfigError('Invalid configuration: JWT_ALGORITHM HS256 needs JWT_SECRET, not JWT_PUBLIC_KEY');
    return { algorithm, verifyKey: env.JWT_PUBLIC_KEY.replaceAll('\\n', '\n'), ...claims };
  }
  throw new ConfigError('Invalid configuration: JWT_SECRET or JWT_PUBLIC_KEY must be set (it is missing)');
}

function masterKeyOf(value: string | undefined): { masterKey?: Buffer } {
  if (value === undefined) return {};
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new ConfigError('Invalid configuration: ENCRYPTION_MASTER_KEY must be 32 bytes, as 64 hex digits or base64 (got <redacted>)');
  }
  return { masterKey: key };
}
