import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayEnvSchema, WorkerEnvSchema } from '@campzone/config';
import { parse } from 'yaml';
import { DEPLOY_DIR } from './support/deploy-tools';
import { scenarios } from './support/deployment-scenarios';
import { type Container, type K8sObject, ofKind, workloads } from './support/k8s-objects';

// The apps read only the variables their env schema (packages/config) names. A name set in a
// manifest but missing from the schema is silently ignored: a typo, or a setting renamed in
// the code but not here. So every name each deployment path sets must be in the schema.

const schemaNames = {
  gateway: new Set(Object.keys(GatewayEnvSchema.properties)),
  worker: new Set(Object.keys(WorkerEnvSchema.properties)),
};

/** What the chart and manifests put in a Secret; each must still exist in a schema. */
const SECRET_ENV_NAMES = [
  'JWT_SECRET',
  'JWT_PUBLIC_KEY',
  'ENCRYPTION_MASTER_KEY',
  'BULL_BOARD_PASSWORD',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
  'REDIS_URL',
  'MONGO_URL',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
];

type App = keyof typeof schemaNames;
const APPS: App[] = ['gateway', 'worker'];

/** Env names a container gets: its env entries plus the keys of ConfigMaps/Secrets it loads whole. */
function envNames(objects: K8sObject[], c: Container): string[] {
  const names = (c.env ?? []).map((e) => e.name);
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const source = ofKind(objects, kind).find((o) => o.metadata?.name === ref?.name);
    if (!source) throw new Error(`envFrom ${kind} ${ref?.name} is not among the rendered objects`);
    names.push(...Object.keys(source.data ?? {}), ...Object.keys(source.stringData ?? {}));
  }
  return names;
}

it('knows every secret name the deployment stores, from the apps’ env schemas', () => {
  const known = new Set([...schemaNames.gateway, ...schemaNames.worker]);
  expect(SECRET_ENV_NAMES.filter((n) => !known.has(n))).toEqual([]);
});

describe.each(scenarios().map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
  it.each(APPS)('sets only env names the %s schema knows, including REDIS_URL and MONGO_URL', (app) => {
    const containers = workloads(scenario.objects)
      .flatMap(({ template }) => template.spec.containers)
      .filter((c) => (c.args ?? c.command ?? []).includes(`apps/${app}/dist/main.js`));
    expect(containers).toHaveLength(1);
    const names = envNames(scenario.objects, containers[0] as Container);
    expect(names.filter((n) => !schemaNames[app].has(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['REDIS_URL', 'MONGO_URL', 'POD_NAME', 'PORT']));
  });
});

describe('compose.yaml', () => {
  interface ComposeService {
    command?: string[];
    environment?: Record<string, string>;
  }
  const compose = parse(readFileSync(join(DEPLOY_DIR, 'docker', 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

  it.each(APPS)('sets only env names the %s schema knows', (app) => {
    const services = Object.entries(compose.services).filter(([, s]) => (s.command ?? []).includes(`apps/${app}/dist/main.js`));
    expect(services.length).toBeGreaterThan(0);
    for (const [name, service] of services) {
      const unknown = Object.keys(service.environment ?? {}).filter((n) => !schemaNames[app].has(n));
      expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    }
  });
});
