#!/usr/bin/env node
// `npm start`: Redis and a MongoDB-wire server from @campzone/testkit (REDIS_URL/MONGO_URL if
// set, else Docker, else local redis-server and mongod or FerretDB), then one gateway (which
// serves the web client) on PORT (3000) and one worker beside it. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { provisionServices } from '@campzone/testkit';

const root = join(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 3000);
const services = await provisionServices({ log: (line) => console.log(`[services] ${line}`) });
console.log(`[services] redis ${services.kind.redis} at ${services.redisUrl}, mongodb ${services.kind.mongo} at ${services.mongoUrl}`);

/**
 * Web Push needs a VAPID pair. Unless one is set, a development pair is made once with web-push
 * (the worker's dependency) and kept beside FerretDB's cache: browsers subscribe with the public
 * key, so a new pair at every start would orphan their subscriptions.
 */
function developmentVapidKeys() {
  if (process.env.VAPID_PUBLIC_KEY || process.env.VAPID_PRIVATE_KEY) return {};
  const cache = process.env.CAMPZONE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'campzone');
  const file = join(cache, 'vapid-development-keys.json');
  let keys;
  try {
    keys = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    const webpush = createRequire(join(root, 'apps', 'worker', 'package.json'))('web-push');
    keys = webpush.generateVAPIDKeys();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
    console.log(`[push] made a development VAPID pair in ${file}`);
  }
  return { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey };
}

const shared = {
  ...process.env,
  ...developmentVapidKeys(),
  REDIS_URL: services.redisUrl,
  MONGO_URL: services.mongoUrl,
  MONGO_DB: process.env.MONGO_DB ?? 'campzone',
  // A local demo: dev tokens on, a fixed secret nobody should reuse elsewhere.
  JWT_SECRET: process.env.JWT_SECRET ?? 'campzone-local-development-secret',
  AUTH_DEV_TOKENS: process.env.AUTH_DEV_TOKENS ?? 'true',
  // Webhooks to a receiver on this machine (a demo or an integration under development).
  WEBHOOK_ALLOWED_HOSTS: process.env.WEBHOOK_ALLOWED_HOSTS ?? '127.0.0.1,localhost',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
const apps = [
  {
    name: 'gateway',
    main: 'apps/gateway/dist/main.js',
    env: { PORT: String(port), HOST: process.env.HOST ?? '127.0.0.1', POD_NAME: 'gateway-0' },
  },
  { name: 'worker', main: 'apps/worker/dist/main.js', env: { PORT: String(port + 1), HOST: '127.0.0.1', POD_NAME: 'worker-0' } },
];

const children = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', resolve)))));
  await services.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

for (const app of apps) {
  const main = join(root, app.main);
  if (!existsSync(main)) {
    console.error(`[${app.name}] ${app.main} is missing: run npm run build`);
    continue;
  }
  const child = spawn(process.execPath, [main], { env: { ...shared, ...app.env }, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[${app.name}] exited (${signal ?? code}); stopping`);
    void stopAll(1);
  });
  children.push(child);
}

// The gateway logs JSON; one plain line tells a person where to go.
for (let i = 0; i < 100; i++) {
  const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) {
    console.log(`\nCampZone Chat is up: open http://127.0.0.1:${port} (worker health on :${port + 1}). Ctrl-C stops it.\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 200));
}
