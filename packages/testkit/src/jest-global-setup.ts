import { saveJestServices } from './jest-services.state';
import { redisModeOf } from './redis-mode';
import { provisionServices } from './services.provisioner';

/**
 * Jest globalSetup: provides REDIS_URL and MONGO_URL to every test worker (workers inherit this
 * process's environment), and REDIS_CLUSTER_NODES when CAMPZONE_REDIS_MODE=cluster. What is
 * already set, e.g. by scripts/run-tests.mjs, is used as it is.
 */
async function globalSetup(): Promise<void> {
  const cluster = redisModeOf() === 'cluster';
  if (process.env.REDIS_URL && process.env.MONGO_URL && (!cluster || process.env.REDIS_CLUSTER_NODES)) return;
  const previous = {
    REDIS_URL: process.env.REDIS_URL,
    MONGO_URL: process.env.MONGO_URL,
    REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
  };
  const services = await provisionServices({
    redisCluster: cluster,
    log: (line) => process.stderr.write(`[testkit] ${line}\n`),
  });
  process.env.REDIS_URL = services.redisUrl;
  process.env.MONGO_URL = services.mongoUrl;
  if (cluster) process.env.REDIS_CLUSTER_NODES = services.redisClusterNodes;
  saveJestServices({ services, previous });
}

export = globalSetup;
