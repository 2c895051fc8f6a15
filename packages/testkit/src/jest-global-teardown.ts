import { takeJestServices } from './jest-services.state';

/** Jest globalTeardown: stops what globalSetup started and puts the environment back. */
async function globalTeardown(): Promise<void> {
  const state = takeJestServices();
  if (!state) return;
  await state.services.stop();
  for (const name of ['REDIS_URL', 'MONGO_URL', 'REDIS_CLUSTER_NODES'] as const) {
    const value = state.previous[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

export = globalTeardown;
