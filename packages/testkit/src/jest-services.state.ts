import type { ProvisionedServices } from './services.provisioner';

// globalSetup and globalTeardown run in the same jest parent process but are loaded as separate
// modules, so what setup started is handed over on globalThis.
const KEY = Symbol.for('campzone.testkit.jestServices');

interface JestServicesState {
  services: ProvisionedServices;
  /** The env values setup replaced, restored by teardown (undefined = was unset). */
  previous: { REDIS_URL: string | undefined; MONGO_URL: string | undefined; REDIS_CLUSTER_NODES: string | undefined };
}

type Holder = { [KEY]?: JestServicesState };

export function saveJestServices(state: JestServicesState): void {
  (globalThis as Holder)[KEY] = state;
}

export function takeJestServices(): JestServicesState | undefined {
  const holder = globalThis as Holder;
  const state = holder[KEY];
  delete holder[KEY];
  return state;
}
