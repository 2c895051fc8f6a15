import { ConfigError, loadGatewayConfig, loadWorkerConfig } from '../src';

const base = { REDIS_URL: 'redis://127.0.0.1:6379', MONGO_URL: 'mongodb://127.0.0.1:27017', JWT_SECRET: 'a-secret-of-sixteen+' };
const failure = (env: Record<string, string>) => {
  try {
    loadGatewayConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

test('defaults fill every optional setting', () => {
  const config = loadGatewayConfig({ ...base, POD_NAME: 'gw-1' });
  expect(config).toMatchObject({
    PORT: 3000,
    HOST: '0.0.0.0',
    MONGO_DB: 'campzone',
    REDIS_PREFIX: 'cz',
    AUTH_DEV_TOKENS: false,
    LOG_LEVEL: 'info',
    POD_NAME: 'gw-1',
    MAX_CONTENT_LENGTH: 4000,
    SOCKET_TRANSPORTS: 'websocket',
    DELIVERY_RETRY_DELAYS_MS: [1000, 5000, 15000],
    CORS_ORIGINS: [],
  });
  expect(config.jwt).toEqual({ algorithm: 'HS256', verifyKey: base.JWT_SECRET, signKey: base.JWT_SECRET });
});

test('a bad value stops with one line naming the variable and what is wrong', () => {
  expect(failure({ ...base, PORT: 'eighty' })).toBe('Invalid configuration: PORT expected integer (got "eighty")');
  expect(failure({ ...base, PORT: '70000' })).toMatch(/^Invalid configuration: PORT .*70000/);
  expect(failure({ ...base, REDIS_URL: 'http://nope' })).toMatch(/^Invalid configuration: REDIS_URL /);
  expect(failure({ ...base, DELIVERY_RETRY_DELAYS_MS: '1000,soon' })).toMatch(/^Invalid configuration: DELIVERY_RETRY_DELAYS_MS /);
});

test('a missing required value is named', () => {
  const { MONGO_URL: _omitted, ...rest } = base;
  expect(failure(rest)).toBe('Invalid configuration: MONGO_URL is required (it is missing)');
});

test('secrets are never echoed back', () => {
  expect(failure({ ...base, JWT_SECRET: 'short' })).toBe(
    'Invalid configuration: JWT_SECRET expected string length greater or equal to 16 (got "<redacted>")',
  );
});

test('lists and booleans are parsed from their string form', () => {
  const config = loadGatewayConfig({ ...base, CORS_ORIGINS: 'https://a.campus.edu, https://b.campus.edu', AUTH_DEV_TOKENS: 'true' });
  expect(config.CORS_ORIGINS).toEqual(['https://a.campus.edu', 'https://b.campus.edu']);
  expect(config.AUTH_DEV_TOKENS).toBe(true);
});

test('JWT settings must be one of a secret or a public key, with a matching algorithm', () => {
  const { JWT_SECRET: _s, ...noSecret } = base;
  expect(failure(noSecret)).toBe('Invalid configuration: JWT_SECRET or JWT_PUBLIC_KEY must be set (it is missing)');
  expect(failure({ ...base, JWT_ALGORITHM: 'RS256' })).toMatch(/RS256 needs JWT_PUBLIC_KEY/);
  const pem = '-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----';
  const rs = loadGatewayConfig({ ...noSecret, JWT_PUBLIC_KEY: pem, JWT_ALGORITHM: 'ES256', JWT_AUDIENCE: 'chat' });
  expect(rs.jwt).toEqual({ algorithm: 'ES256', verifyKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----', audience: 'chat' });
});

test('dev tokens are refused in production and need a secret to sign with', () => {
  expect(failure({ ...base, AUTH_DEV_TOKENS: 'true', NODE_ENV: 'production' })).toMatch(
    /AUTH_DEV_TOKENS must be false when NODE_ENV=production/,
  );
});

test('the master key must be 32 bytes in hex or base64', () => {
  expect(loadGatewayConfig({ ...base, ENCRYPTION_MASTER_KEY: 'ab'.repeat(32) }).masterKey).toHaveLength(32);
  expect(loadGatewayConfig({ ...base, ENCRYPTION_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).masterKey).toHaveLength(32);
  expect(failure({ ...base, ENCRYPTION_MASTER_KEY: 'too-short' })).toMatch(/ENCRYPTION_MASTER_KEY must be 32 bytes/);
});

test('the worker has its own port default and needs credentials for Bull Board', () => {
  expect(loadWorkerConfig({ REDIS_URL: base.REDIS_URL, MONGO_URL: base.MONGO_URL }).PORT).toBe(3001);
  expect(() => loadWorkerConfig({ REDIS_URL: base.REDIS_URL, MONGO_URL: base.MONGO_URL, BULL_BOARD_ENABLED: 'true' })).toThrow(
    /BULL_BOARD_USER/,
  );
});

test('start-up, store-timeout and write-queue settings have defaults and bounds', () => {
  const gateway = loadGatewayConfig(base);
  expect(gateway).toMatchObject({ STARTUP_DEADLINE_MS: 120_000, MONGO_SOCKET_TIMEOUT_MS: 30_000, WRITE_QUEUE_MAX: 10_000 });
  expect(loadWorkerConfig({ REDIS_URL: base.REDIS_URL, MONGO_URL: base.MONGO_URL })).toMatchObject({
    STARTUP_DEADLINE_MS: 120_000,
    MONGO_SOCKET_TIMEOUT_MS: 30_000,
  });
  expect(loadGatewayConfig({ ...base, STARTUP_DEADLINE_MS: '5000', WRITE_QUEUE_MAX: '50' })).toMatchObject({
    STARTUP_DEADLINE_MS: 5000,
    WRITE_QUEUE_MAX: 50,
  });
  expect(failure({ ...base, STARTUP_DEADLINE_MS: '10' })).toMatch(/^Invalid configuration: STARTUP_DEADLINE_MS /);
  expect(failure({ ...base, MONGO_SOCKET_TIMEOUT_MS: '0' })).toMatch(/^Invalid configuration: MONGO_SOCKET_TIMEOUT_MS /);
  expect(failure({ ...base, WRITE_QUEUE_MAX: '0' })).toMatch(/^Invalid configuration: WRITE_QUEUE_MAX /);
});

test('the engine packet limit is 64 KiB by default and must hold the largest valid send', () => {
  expect(loadGatewayConfig(base)).toMatchObject({ MAX_HTTP_BUFFER_SIZE: 65_536, MAX_SOCKETS_PER_USER: 20 });
  expect(failure({ ...base, MAX_CONTENT_LENGTH: '20000' })).toBe(
    'Invalid configuration: MAX_HTTP_BUFFER_SIZE 65536 is below the largest valid send (121024 bytes for MAX_CONTENT_LENGTH 20000); raise it',
  );
  expect(loadGatewayConfig({ ...base, MAX_CONTENT_LENGTH: '20000', MAX_HTTP_BUFFER_SIZE: '200000' }).MAX_HTTP_BUFFER_SIZE).toBe(200_000);
  expect(failure({ ...base, MAX_SOCKETS_PER_USER: '0' })).toMatch(/^Invalid configuration: MAX_SOCKETS_PER_USER/);
});

test('MongoDB write concern and read preference default to majority and primary, and refuse anything else by name', () => {
  expect(loadWorkerConfig(base)).toMatchObject({
    MONGO_WRITE_CONCERN: 'majority',
    MONGO_READ_PREFERENCE: 'primary',
    MONGO_COMMAND_CHECKS: false,
  });
  expect(loadGatewayConfig({ ...base, MONGO_WRITE_CONCERN: '1', MONGO_READ_PREFERENCE: 'nearest' })).toMatchObject({
    MONGO_WRITE_CONCERN: 1,
    MONGO_READ_PREFERENCE: 'nearest',
  });
  expect(failure({ ...base, MONGO_WRITE_CONCERN: 'most' })).toContain('MONGO_WRITE_CONCERN');
  expect(failure({ ...base, MONGO_READ_PREFERENCE: 'secondaryOnly' })).toContain('MONGO_READ_PREFERENCE');
});

test('the API docs follow NODE_ENV unless set, and the Admin UI needs both its username and a bcrypt hash', () => {
  expect(loadGatewayConfig(base).apiDocs).toBe(true);
  expect(loadGatewayConfig({ ...base, NODE_ENV: 'production' }).apiDocs).toBe(false);
  expect(loadGatewayConfig({ ...base, NODE_ENV: 'production', API_DOCS_ENABLED: 'true' }).apiDocs).toBe(true);
  const hash = `$2b$12$${'a'.repeat(53)}`;
  expect(
    loadGatewayConfig({ ...base, SOCKET_ADMIN_UI_USERNAME: 'ops', SOCKET_ADMIN_UI_PASSWORD_HASH: hash }).SOCKET_ADMIN_UI_USERNAME,
  ).toBe('ops');
  expect(failure({ ...base, SOCKET_ADMIN_UI_USERNAME: 'ops' })).toMatch(/set both or neither/);
  expect(failure({ ...base, SOCKET_ADMIN_UI_PASSWORD_HASH: hash })).toMatch(/set both or neither/);
  expect(failure({ ...base, SOCKET_ADMIN_UI_USERNAME: 'ops', SOCKET_ADMIN_UI_PASSWORD_HASH: 'plain-password' })).toMatch(
    /SOCKET_ADMIN_UI_PASSWORD_HASH/,
  );
});

describe('REDIS_CLUSTER_NODES', () => {
  const { REDIS_URL: _single, ...noRedis } = base;

  test('chooses a Redis Cluster and the sharded adapter', () => {
    const config = loadGatewayConfig({ ...noRedis, REDIS_CLUSTER_NODES: 'redis-0:6379, 10.0.0.2:7001' });
    expect(config.redis).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'redis-0', port: 6379 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
    expect(config.REDIS_ADAPTER).toBe('sharded');
    expect(loadWorkerConfig({ REDIS_CLUSTER_NODES: 'a:1', MONGO_URL: base.MONGO_URL }).redis.mode).toBe('cluster');
  });

  test('single-node REDIS_URL stays the default, with the classic adapter', () => {
    const config = loadGatewayConfig(base);
    expect(config.redis).toEqual({ mode: 'single', url: base.REDIS_URL });
    expect(config.REDIS_ADAPTER).toBe('classic');
  });

  test('bad values are refused with a line that names the setting', () => {
    expect(failure({ ...noRedis, REDIS_CLUSTER_NODES: 'redis://a:6379' })).toMatch(/^Invalid configuration: REDIS_CLUSTER_NODES /);
    expect(failure({ ...noRedis, REDIS_CLUSTER_NODES: 'a:6379,' })).toMatch(/^Invalid configuration: REDIS_CLUSTER_NODES /);
    expect(failure({ ...noRedis, REDIS_CLUSTER_NODES: 'a' })).toMatch(/^Invalid configuration: REDIS_CLUSTER_NODES /);
    expect(failure({ ...base, REDIS_CLUSTER_NODES: 'a:1' })).toBe(
      'Invalid configuration: REDIS_URL and REDIS_CLUSTER_NODES are exclusive: set one',
    );
    expect(failure({ ...noRedis, REDIS_CLUSTER_NODES: 'a:1', REDIS_ADAPTER: 'classic' })).toMatch(
      /REDIS_CLUSTER_NODES needs REDIS_ADAPTER=sharded/,
    );
    expect(failure(noRedis)).toMatch(/REDIS_URL is required/);
  });
});

describe('REDIS_SENTINELS', () => {
  const { REDIS_URL: _single, ...noRedis } = base;

  test('chooses Sentinel mode with the master name, the classic adapter by default', () => {
    const config = loadGatewayConfig({ ...noRedis, REDIS_SENTINELS: 'sentinel-0:26379, 10.0.0.3:26380', REDIS_SENTINEL_MASTER: 'cz-main' });
    expect(config.redis).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 'sentinel-0', port: 26379 },
        { host: '10.0.0.3', port: 26380 },
      ],
      masterName: 'cz-main',
    });
    expect(config.REDIS_ADAPTER).toBe('classic');
    expect(loadWorkerConfig({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: 'm', MONGO_URL: base.MONGO_URL }).redis.mode).toBe('sentinel');
  });

  test('bad values are refused with a line that names the setting', () => {
    const sentinel = { REDIS_SENTINEL_MASTER: 'm' };
    expect(failure({ ...noRedis, ...sentinel, REDIS_SENTINELS: 'redis://a:26379' })).toMatch(/^Invalid configuration: REDIS_SENTINELS /);
    expect(failure({ ...noRedis, ...sentinel, REDIS_SENTINELS: 'a:26379,' })).toMatch(/^Invalid configuration: REDIS_SENTINELS /);
    expect(failure({ ...noRedis, ...sentinel, REDIS_SENTINELS: 'a' })).toMatch(/^Invalid configuration: REDIS_SENTINELS /);
    expect(failure({ ...noRedis, REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: 'two words' })).toMatch(
      /^Invalid configuration: REDIS_SENTINEL_MASTER /,
    );
    expect(failure({ ...noRedis, REDIS_SENTINELS: 'a:1' })).toMatch(/REDIS_SENTINELS needs REDIS_SENTINEL_MASTER/);
    expect(failure({ ...base, ...sentinel })).toMatch(/REDIS_SENTINEL_MASTER needs REDIS_SENTINELS/);
    expect(failure({ ...base, ...sentinel, REDIS_SENTINELS: 'a:1' })).toBe(
      'Invalid configuration: REDIS_URL and REDIS_SENTINELS are exclusive: set one',
    );
    expect(failure({ ...noRedis, ...sentinel, REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' })).toBe(
      'Invalid configuration: REDIS_CLUSTER_NODES and REDIS_SENTINELS are exclusive: set one',
    );
  });
});
