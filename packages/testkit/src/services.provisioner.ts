import { type BinaryLocator, pathLocator } from './binary.locator';
import { type ProvidedService, startDockerMongo, startDockerRedis } from './docker-containers.provider';
import { isDockerEngineReachable } from './docker-engine.probe';
import { startMongoWire } from './mongo-wire.provider';
import { startRedisCluster } from './redis-cluster.provider';
import { startRedisServer } from './redis-server.provider';
import { type ServiceName, ServicesUnavailableError } from './services-unavailable.error';

export type RedisKind = 'env' | 'docker' | 'redis-server' | 'none';
export type RedisClusterKind = 'env' | 'redis-server' | 'none';
export type MongoKind = 'env' | 'docker' | 'mongod' | 'ferretdb' | 'none';

export interface ProvisionOptions {
  /** Provide Redis (default true); when false, redisUrl is ''. */
  redis?: boolean;
  /** Also provide a Redis Cluster (default false): REDIS_CLUSTER_NODES, else local redis-server nodes. */
  redisCluster?: boolean;
  /** Provide a MongoDB-wire server (default true); when false, mongoUrl is ''. */
  mongo?: boolean;
  log?: (line: string) => void;
  /** Where REDIS_URL / MONGO_URL are read from. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How binaries are found. Default: the PATH of `env`. */
  locator?: BinaryLocator;
  /** Whether a container engine answers. Default: testcontainers, 3 s timeout. */
  dockerProbe?: () => Promise<boolean>;
  ferretdbCacheDir?: string;
  /** Build FerretDB with Go when no mongod or ferretdb exists. Default true. */
  installFerretDb?: boolean;
}

export interface ProvisionedServices {
  redisUrl: string;
  mongoUrl: string;
  /** `host:port,...` of a Redis Cluster when asked for, else ''. */
  redisClusterNodes: string;
  kind: { redis: RedisKind; mongo: MongoKind; redisCluster: RedisClusterKind };
  /** Stops whatever was started here; URLs taken from the environment are left alone. */
  stop(): Promise<void>;
}

interface Provided<K> extends ProvidedService {
  kind: K;
}

const NOTHING_TO_STOP = async (): Promise<void> => undefined;

interface Context {
  env: NodeJS.ProcessEnv;
  locator: BinaryLocator;
  log: (line: string) => void;
  docker: () => Promise<boolean>;
  options: ProvisionOptions;
}

async function viaDocker<K>(
  name: ServiceName,
  start: () => Promise<ProvidedService>,
  context: Context,
  kind: K,
): Promise<Provided<K> | undefined> {
  if (!(await context.docker())) return undefined;
  try {
    return { ...(await start()), kind };
  } catch (error) {
    // An engine that answers but cannot pull or run the image should not block local binaries.
    context.log(
      `${name}: Docker engine found but the container failed (${error instanceof Error ? error.message : String(error)}); trying local binaries`,
    );
    return undefined;
  }
}

async function provideRedis(context: Context): Promise<Provided<RedisKind>> {
  const fromEnv = context.env.REDIS_URL;
  if (fromEnv) return { url: fromEnv, kind: 'env', stop: NOTHING_TO_STOP };
  const container = await viaDocker('redis', startDockerRedis, context, 'docker' as const);
  if (container) return container;
  const server = await startRedisServer({ locator: context.locator });
  return { url: server.url, kind: 'redis-server', stop: () => server.stop() };
}

async function provideRedisCluster(context: Context): Promise<Provided<RedisClusterKind>> {
  const fromEnv = context.env.REDIS_CLUSTER_NODES;
  if (fromEnv) return { url: fromEnv, kind: 'env', stop: NOTHING_TO_STOP };
  // No container path: a cluster's nodes announce their own addresses, which a container's
  // port mapping would hide from clients outside it.
  const cluster = await startRedisCluster({ locator: context.locator });
  return { url: cluster.nodeList, kind: 'redis-server', stop: () => cluster.stop() };
}

async function provideMongo(context: Context): Promise<Provided<MongoKind>> {
  const fromEnv = context.env.MONGO_URL;
  if (fromEnv) return { url: fromEnv, kind: 'env', stop: NOTHING_TO_STOP };
  const container = await viaDocker('mongo', startDockerMongo, context, 'docker' as const);
  if (container) return container;
  const { options } = context;
  const server = await startMongoWire({
    locator: context.locator,
    log: (line) => context.log(`mongo: ${line}`),
    ...(options.ferretdbCacheDir ? { ferretdbCacheDir: options.ferretdbCacheDir } : {}),
    ...(options.installFerretDb === undefined ? {} : { installFerretDb: options.installFerretDb }),
  });
  return { url: server.url, kind: server.kind, stop: () => server.stop() };
}

const ENV_NAMES = { redis: 'REDIS_URL', mongo: 'MONGO_URL', 'redis cluster': 'REDIS_CLUSTER_NODES' } as const;

function describe(name: keyof typeof ENV_NAMES, service: Provided<string>): string {
  return service.kind === 'env' ? `${name}: using ${ENV_NAMES[name]}` : `${name}: ${service.kind} at ${service.url}`;
}

/**
 * Finds or starts Redis and a MongoDB-wire server: URLs from the environment, else Docker
 * containers, else local redis-server and mongod/FerretDB; else one ServicesUnavailableError
 * naming everything that could be provided.
 */
export async function provisionServices(options: ProvisionOptions = {}): Promise<ProvisionedServices> {
  const env = options.env ?? process.env;
  let dockerAnswer: Promise<boolean> | undefined;
  const context: Context = {
    env,
    locator: options.locator ?? pathLocator(env.PATH ?? ''),
    log: options.log ?? (() => undefined),
    // Asked at most once, and only when some service is not given by the environment.
    docker: () => {
      dockerAnswer ??= (options.dockerProbe ?? isDockerEngineReachable)();
      return dockerAnswer;
    },
    options,
  };
  const none = { url: '', kind: 'none' as const, stop: NOTHING_TO_STOP };
  const [redis, mongo, redisCluster] = await Promise.allSettled([
    options.redis === false ? none : provideRedis(context),
    options.mongo === false ? none : provideMongo(context),
    options.redisCluster === true ? provideRedisCluster(context) : none,
  ]);

  if (redis.status === 'rejected' || mongo.status === 'rejected' || redisCluster.status === 'rejected') {
    const all = [redis, mongo, redisCluster];
    await Promise.allSettled(all.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    const errors = all.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    const other = errors.find((error) => !(error instanceof ServicesUnavailableError));
    if (other !== undefined) throw other;
    throw new ServicesUnavailableError(errors.flatMap((error) => (error instanceof ServicesUnavailableError ? error.missing : [])));
  }

  if (options.redis !== false) context.log(describe('redis', redis.value));
  if (options.mongo !== false) context.log(describe('mongo', mongo.value));
  if (options.redisCluster === true) context.log(describe('redis cluster', redisCluster.value));
  let stopping: Promise<void> | undefined;
  return {
    redisUrl: redis.value.url,
    mongoUrl: mongo.value.url,
    redisClusterNodes: redisCluster.value.url,
    kind: { redis: redis.value.kind, mongo: mongo.value.kind, redisCluster: redisCluster.value.kind },
    stop() {
      stopping ??= Promise.all([redis.value.stop(), mongo.value.stop(), redisCluster.value.stop()]).then(() => undefined);
      return stopping;
    },
  };
}
