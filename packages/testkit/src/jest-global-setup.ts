import { saveJestServices } from './jest-services.state';
import { provisionServices } from './services.provisioner';

/**
 * Jest globalSetup: provides REDIS_URL and MONGO_URL to every test worker (workers inherit this
 * process's environment). When both are already set, e.g. by scripts/run-tests.mjs, nothing starts.
 */
async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL && process.env.MONGO_URL) return;
  const previous = { REDIS_URL: process.env.REDIS_URL, MONGO_URL: process.env.MONGO_URL };
  const services = await provisionServices({ log: (line) => process.stderr.write(`[testkit] ${line}\n`) });
  process.env.REDIS_URL = services.redisUrl;
  process.env.MONGO_URL = services.mongoUrl;
  saveJestServices({ services, previous });
}

export = globalSetup;
