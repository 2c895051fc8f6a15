import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEPLOY_DIR } from './support/deploy-tools';

// There is no Docker engine here to run the compose file, so these check what `docker compose up`
// depends on: the services, their images and health gates, and the load balancer's WebSocket setup.

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  build?: { context: string; dockerfile: string };
  stop_grace_period?: string;
  read_only?: boolean;
  cap_drop?: string[];
  ports?: string[];
  volumes?: string[];
}

const composeDir = join(DEPLOY_DIR, 'docker');
const compose = parse(readFileSync(join(composeDir, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = Object.entries(compose.services);
/** Services whose command runs app's entry point (with or without node flags before it). */
const running = (app: string) =>
  services.filter(([, s]) => {
    const command = s.command ?? [];
    return command[0] === 'node' && command.at(-1) === `apps/${app}/dist/main.js`;
  });
const nginxConf = readFileSync(join(composeDir, 'nginx', 'nginx.conf'), 'utf8');

it('runs Redis 7, MongoDB 7, three gateways, one worker and a load balancer', () => {
  expect(compose.services.redis?.image).toMatch(/^redis:7/);
  expect(compose.services.mongodb?.image).toMatch(/^mongo:7/);
  expect(running('gateway')).toHaveLength(3);
  expect(running('worker')).toHaveLength(1);
  expect(compose.services.lb?.image).toMatch(/^nginx:/);
  expect(compose.services.lb?.ports).toEqual([expect.stringMatching(/:8080$/)]);
});

it('builds the apps from the repository root with the project Dockerfile', () => {
  for (const [, s] of [...running('gateway'), ...running('worker')]) {
    const context = join(composeDir, s.build?.context ?? '');
    expect(existsSync(join(context, 'package-lock.json'))).toBe(true);
    expect(existsSync(join(context, s.build?.dockerfile ?? ''))).toBe(true);
    expect(s.build?.dockerfile).toBe('deploy/docker/Dockerfile');
  }
});

it('starts the apps only once Redis and MongoDB are healthy, and the balancer once the gateways are', () => {
  for (const [, s] of [...running('gateway'), ...running('worker')]) {
    expect(s.depends_on).toEqual({ redis: { condition: 'service_healthy' }, mongodb: { condition: 'service_healthy' } });
    expect(s.healthcheck?.test.join(' ')).toMatch(/\/readyz/);
  }
  const gatewayNames = running('gateway').map(([name]) => name);
  expect(Object.keys(compose.services.lb?.depends_on ?? {}).sort()).toEqual(gatewayNames.sort());
});

it('gives each gateway its own POD_NAME and longer to stop than its drain takes', () => {
  const gateways = running('gateway');
  expect(new Set(gateways.map(([, s]) => s.environment?.POD_NAME)).size).toBe(3);
  for (const [, s] of gateways) {
    const graceSeconds = Number(/^(\d+)s$/.exec(s.stop_grace_period ?? '')?.[1]);
    const drainSeconds = Number(s.environment?.SHUTDOWN_TIMEOUT_MS ?? '10000') / 1000;
    expect(graceSeconds).toBeGreaterThan(drainSeconds);
  }
});

it('runs the apps read-only and without capabilities, as the pods do', () => {
  for (const [, s] of [...running('gateway'), ...running('worker')]) {
    expect(s.read_only).toBe(true);
    expect(s.cap_drop).toEqual(['ALL']);
  }
});

it('balances over exactly the compose gateways and forwards WebSocket upgrades', () => {
  const upstream = /upstream gateways \{([^}]*)\}/.exec(nginxConf)?.[1] ?? '';
  const servers = [...upstream.matchAll(/server ([\w-]+):3000/g)].map((m) => m[1]);
  expect(servers.sort()).toEqual(
    running('gateway')
      .map(([name]) => name)
      .sort(),
  );
  expect(nginxConf).toMatch(/proxy_http_version 1\.1;/);
  expect(nginxConf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
  expect(nginxConf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
  expect(nginxConf).toMatch(/map \$http_upgrade \$connection_upgrade/);
  // nginx's default 60 s would cut idle sockets between Socket.IO pings' slack.
  const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(nginxConf)?.[1]);
  expect(readTimeout).toBeGreaterThanOrEqual(3600);
  expect(compose.services.lb?.volumes).toEqual(['./nginx/nginx.conf:/etc/nginx/nginx.conf:ro']);
});
