import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropNamespace, type ManagedProcess, startProcess, uniqueNamespace } from '@campzone/testkit';
import { parse } from 'yaml';
import { CHART_DIR, REPO_ROOT, run } from './support/deploy-tools';

// The dashboard and the alerts the chart ships: every metric they use is one the gateway or
// the worker really exports (scraped from running processes), and promtool accepts the rules.

const monitoring = join(CHART_DIR, 'monitoring');
const rulesFile = join(monitoring, 'campzone-chat.rules.yaml');
const dashboard = JSON.parse(readFileSync(join(monitoring, 'campzone-chat.dashboard.json'), 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};
const rules = parse(readFileSync(rulesFile, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };

const exprs = [
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
];
const namesIn = (expr: string) => [...new Set([...expr.matchAll(/\bcampzone_[a-z0-9_]+/g)].map((m) => m[0]))];

const ns = uniqueNamespace('monitoring');
const procs: ManagedProcess[] = [];
let exported = new Set<string>();

beforeAll(async () => {
  const env = {
    REDIS_URL: process.env.REDIS_URL ?? '',
    MONGO_URL: process.env.MONGO_URL ?? '',
    MONGO_DB: ns.db,
    REDIS_PREFIX: ns.prefix,
    JWT_SECRET: 'monitoring-test-secret-0123456789',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  const urls: string[] = [];
  for (const [app, ready] of [
    ['gateway', /"msg":"gateway listening"/],
    ['worker', /"msg":"worker running"/],
  ] as const) {
    const proc = await startProcess({
      name: `monitoring-${app}`,
      command: process.execPath,
      args: [join(REPO_ROOT, 'apps', app, 'dist', 'main.js')],
      env,
      readyLine: ready,
      timeoutMs: 60_000,
    });
    procs.push(proc);
    const { port } = JSON.parse(await proc.waitForLine(ready)) as { port: number };
    urls.push(`http://127.0.0.1:${port}/metrics`);
  }
  const pages = await Promise.all(urls.map(async (url) => (await fetch(url)).text()));
  exported = new Set(
    pages.flatMap((page) =>
      [...page.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === 'histogram' || type === 'summary' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
      ),
    ) as string[],
  );
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(procs.map((p) => p.stop(5000)));
  await dropNamespace(ns, { redisUrl: process.env.REDIS_URL ?? '', mongoUrl: process.env.MONGO_URL ?? '' });
});

test('the dashboard and the alerts use metrics', () => {
  expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
  expect(rules.groups[0]?.rules.length).toBeGreaterThanOrEqual(6);
  expect(exprs.every((e) => namesIn(e.expr).length > 0)).toBe(true);
});

test('every metric the dashboard and the alerts use is one the gateway or the worker exports', () => {
  expect(exported.size).toBeGreaterThan(20);
  const unknown = exprs.flatMap((e) =>
    namesIn(e.expr)
      .filter((n) => !exported.has(n))
      .map((n) => `${e.where}: ${n}`),
  );
  expect(unknown).toEqual([]);
});

test('every alert has a runbook paragraph in docs/operations.md', () => {
  const guide = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
  const headings = new Set(
    [...guide.matchAll(/^#{2,5} (.+)$/gm)].map((m) =>
      (m[1] as string)
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );
  for (const group of rules.groups) {
    for (const rule of group.rules as Array<{ annotations?: { runbook?: string } }>) {
      const anchor = rule.annotations?.runbook?.split('#')[1];
      expect(anchor && headings.has(anchor)).toBe(true);
    }
  }
});

test('promtool accepts the rules (CI installs it; elsewhere it is used when on PATH)', () => {
  let promtool: ReturnType<typeof run>;
  try {
    promtool = run('promtool', ['check', 'rules', rulesFile]);
  } catch {
    // Not installed: only acceptable outside CI.
    expect(process.env.CI).toBeUndefined();
    return;
  }
  expect(`${promtool.stdout}${promtool.stderr}`).toMatch(/SUCCESS: \d+ rules found/);
  expect(promtool.status).toBe(0);
});
