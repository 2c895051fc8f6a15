import { ConfigError, loadWorkerConfig, type WorkerConfig } from '@campzone/config';
import { createStore, ensureIndexes, openContentCodec } from '@campzone/store';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { createClient } from 'redis';
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

  const redis = createClient({ url: config.REDIS_URL });
  // node-redis reconnects by itself; an unhandled 'error' event would kill the process.
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  await redis.connect();
  const mongo = new MongoClient(config.MONGO_URL, { serverSelectionTimeoutMS: 5000, maxPoolSize: 20 });
  await mongo.connect();
  const db = mongo.db(config.MONGO_DB);
  await ensureIndexes(db);
  const { codec } = await openContentCodec(createStore(db).collections.encryptionKeys, config.masterKey);

  const worker = await buildWorker({ config, logger, redis, db, bullConnection: config.REDIS_URL, codec });
  await worker.start();
  await worker.http.listen({ port: config.PORT, host: config.HOST });
  const address = worker.http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, concurrency: config.WORKER_CONCURRENCY, retryDelaysMs: config.DELIVERY_RETRY_DELAYS_MS }, 'worker running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await worker.drain();
    await Promise.allSettled([redis.quit(), mongo.close()]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Re-sent messages carry plaintext: with a master key, content is opened with the room's data key. */
main().catch((err: unknown) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
