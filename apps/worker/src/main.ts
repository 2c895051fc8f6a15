import { ConfigError, loadWorkerConfig, type WorkerConfig } from '@campzone/config';
import { createQueueConnection } from '@campzone/queue';
import {
  checkEvictionPolicy,
  connectRedisClients,
  createStartupRedisConnection,
  FAILOVER_FOLLOWED,
  type FailoverFollowed,
  RedisSetupError,
} from '@campzone/realtime';
import {
  createMongoClient,
  createStore,
  listenWhileStarting,
  observeMongoCommands,
  openContentCodec,
  PermanentStartupError,
  waitForRedisAndMongo,
  watchCommandChecks,
} from '@campzone/store';
import pino from 'pino';
import { mongoCommandSink } from './observability/metrics';
import { buildWorker } from './worker-app';

// Composition root: the only place that reads the environment, creates clients and exits.

function loadConfigOrExit(): WorkerConfig {
  try {
    return loadWorkerConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'campzone-worker', pod: config.POD_NAME } });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  // Probes get answers at once; readiness stays 503 until Redis and MongoDB are there.
  const starting = await listenWhileStarting(config.PORT, config.HOST);
  logger.info({ port: starting.port, deadlineMs: config.STARTUP_DEADLINE_MS }, 'start-up: waiting for redis and mongodb');

  const redis = createStartupRedisConnection(config.redis);
  // node-redis reconnects by itself; an unhandled 'error' event would kill the process.
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  redis.on(FAILOVER_FOLLOWED, (moved: FailoverFollowed) => logger.warn(moved, 'redis failover followed'));
  const mongo = createMongoClient(config.MONGO_URL, {
    socketTimeoutMS: config.MONGO_SOCKET_TIMEOUT_MS,
    waitQueueTimeoutMS: config.MONGO_WAIT_QUEUE_TIMEOUT_MS,
    writeConcern: config.MONGO_WRITE_CONCERN,
    readPreference: config.MONGO_READ_PREFERENCE,
  });
  const db = mongo.db(config.MONGO_DB);
  await waitForRedisAndMongo({
    deadlineMs: config.STARTUP_DEADLINE_MS,
    onRetry: ({ dependency, attempt, delayMs, error }) =>
      logger.warn({ dependency, attempt, delayMs, err: error }, 'start-up: dependency not ready, retrying'),
    connectRedis: () =>
      connectRedisClients([redis]).catch((err: unknown) => {
        throw err instanceof RedisSetupError ? new PermanentStartupError(err.message) : err;
      }),
    mongo,
    db,
  });
  // An evicting Redis can drop queued jobs and counters: said once at start (BullMQ's production guide).
  await checkEvictionPolicy(redis, logger.child({ component: 'redis' }));
  // Re-sent messages carry plaintext: with a master key, content is opened with the room's data key.
  const { codec } = await openContentCodec(createStore(db).collections.encryptionKeys, config.masterKey);

  const bull = createQueueConnection(config.redis);
  const worker = await buildWorker({ config, logger, redis, db, bullConnection: bull.connection, codec });
  if (config.MONGO_COMMAND_CHECKS) watchCommandChecks(mongo, worker.metrics, logger);
  observeMongoCommands(mongo, mongoCommandSink(worker.metrics));
  await worker.start();
  await starting.close();
  await worker.http.listen({ port: starting.port, host: config.HOST });
  const address = worker.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, concurrency: config.WORKER_CONCURRENCY, retryDelaysMs: config.DELIVERY_RETRY_DELAYS_MS }, 'worker running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await worker.drain();
    await Promise.allSettled([redis.quit(), mongo.close(), bull.close()]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
