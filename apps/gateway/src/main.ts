import { ConfigError, type GatewayConfig, loadGatewayConfig } from '@campzone/config';
import { AttachmentJobs, createQueueConnection, createQueueProducers } from '@campzone/queue';
import {
  checkEvictionPolicy,
  connectRedisClients,
  createStartupRedisConnection,
  FAILOVER_FOLLOWED,
  type FailoverFollowed,
  RedisKeys,
  RedisSetupError,
} from '@campzone/realtime';
import {
  createMongoClient,
  listenWhileStarting,
  observeMongoCommands,
  PermanentStartupError,
  waitForRedisAndMongo,
  watchCommandChecks,
} from '@campzone/store';
import pino from 'pino';
import { mongoCommandSink } from './observability/metrics';
import { buildGateway } from './server';

// Composition root: the only place that reads the environment, creates clients and exits.

function loadConfigOrExit(): GatewayConfig {
  try {
    return loadGatewayConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'campzone-gateway', pod: config.POD_NAME } });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  // Probes get answers at once; readiness stays 503 until Redis and MongoDB are there.
  const starting = await listenWhileStarting(config.PORT, config.HOST);
  logger.info({ port: starting.port, deadlineMs: config.STARTUP_DEADLINE_MS }, 'start-up: waiting for redis and mongodb');

  const command = createStartupRedisConnection(config.redis);
  const pub = createStartupRedisConnection(config.redis);
  const sub = createStartupRedisConnection(config.redis);
  for (const [role, client] of Object.entries({ command, pub, sub })) {
    // node-redis reconnects by itself; an unhandled 'error' event would kill the process.
    client.on('error', (err: Error) => logger.warn({ redis: role, err: err.message }, 'redis connection error'));
    client.on(FAILOVER_FOLLOWED, (moved: FailoverFollowed) => logger.warn({ redis: role, ...moved }, 'redis failover followed'));
  }
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
      connectRedisClients([command, pub, sub]).catch((err: unknown) => {
        throw err instanceof RedisSetupError ? new PermanentStartupError(err.message) : err;
      }),
    mongo,
    db,
  });

  // An evicting Redis can drop queued jobs and counters: said once at start (BullMQ's production guide).
  await checkEvictionPolicy(command, logger.child({ component: 'redis' }));
  // BullMQ opens its own (ioredis) connections; the producers only buffer on the send path.
  const bull = createQueueConnection(config.redis);
  const queues = createQueueProducers({
    connection: bull.connection,
    prefix: new RedisKeys(config.REDIS_PREFIX).bullPrefix(config.redis.mode),
    logger: logger.child({ component: 'queue-producers' }),
    rollupDelayMs: config.ROLLUP_DELAY_MS,
  });
  const bullSettings = { connection: bull.connection, prefix: new RedisKeys(config.REDIS_PREFIX).bullPrefix(config.redis.mode) };
  const attachmentJobs = new AttachmentJobs(bullSettings, (err) =>
    logger.warn({ queue: 'attachments', err: err.message }, 'queue connection error'),
  );
  const gateway = await buildGateway({ config, logger, redis: { command, pub, sub }, db, queues, attachmentJobs });
  if (config.MONGO_COMMAND_CHECKS) watchCommandChecks(mongo, gateway.metrics, logger);
  observeMongoCommands(mongo, mongoCommandSink(gateway.metrics));
  await starting.close();
  await gateway.app.listen({ port: starting.port, host: config.HOST });
  const address = gateway.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ url: `http://127.0.0.1:${port}`, port }, 'gateway listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await gateway.drain();
    // After the drain: the last sends' delivery tracking is enqueued before the connections close.
    await Promise.allSettled([queues.close(), attachmentJobs.close()]);
    await Promise.allSettled([command.quit(), pub.quit(), sub.quit(), mongo.close(), bull.close()]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
