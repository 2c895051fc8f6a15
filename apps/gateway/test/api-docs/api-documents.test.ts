import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import specs from '@asyncapi/specs';
import Ajv from 'ajv';
import { GatewayCluster } from '../harness/gateway-cluster';
import { launchChromium } from '../web/chromium';

// The committed documents (docs/openapi.json, docs/asyncapi.json) and the client types generated
// from the first are exactly what the gateway serves now, and both documents are valid.
// `npm run api-docs` runs this file with API_DOCS_WRITE=1 to rewrite them instead of comparing.

const REPO = join(__dirname, '../../../..');
const OPENAPI_FILE = join(REPO, 'docs/openapi.json');
const ASYNCAPI_FILE = join(REPO, 'docs/asyncapi.json');
const CLIENT_TYPES_FILE = join(__dirname, 'generated/openapi-types.ts');
const WRITE = process.env.API_DOCS_WRITE === '1';

type Json = Record<string, unknown>;
let cluster: GatewayCluster;
let off: GatewayCluster;
let openapiText: string;
let asyncapiText: string;

beforeAll(async () => {
  [cluster, off] = await Promise.all([
    GatewayCluster.start('api-docs', 1),
    GatewayCluster.start('api-docs-off', 1, { API_DOCS_ENABLED: 'false' }),
  ]);
  const served = async (path: string): Promise<string> => {
    const response = await fetch(`${cluster.url(0)}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return `${await response.text()}\n`;
  };
  openapiText = await served('/docs/openapi.json');
  asyncapiText = await served('/docs/asyncapi.json');
  if (WRITE) {
    writeFileSync(OPENAPI_FILE, openapiText);
    writeFileSync(ASYNCAPI_FILE, asyncapiText);
    writeFileSync(CLIENT_TYPES_FILE, generateClientTypes(OPENAPI_FILE));
  }
}, 120_000);
// Generous: draining a gateway waits on a loaded machine.
afterAll(async () => {
  await Promise.all([cluster?.stop(), off?.stop()]);
}, 120_000);

/** openapi-typescript, the CLI a client author would run on the published document. */
function generateClientTypes(openapiFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-ts-'));
  try {
    const out = join(dir, 'openapi-types.ts');
    const cli = join(REPO, 'node_modules/openapi-typescript/bin/cli.js');
    execFileSync(process.execPath, [cli, openapiFile, '--output', out], { stdio: 'pipe' });
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A clear failure instead of a diff of thousands of lines. */
function expectCommitted(file: string, current: string): void {
  if (readFileSync(file, 'utf8') !== current) throw new Error(`${file} is stale: run \`npm run api-docs\` and commit the result`);
}

test('docs/openapi.json is the document the gateway serves', () => expectCommitted(OPENAPI_FILE, openapiText));

test('docs/asyncapi.json is the document the gateway serves', () => expectCommitted(ASYNCAPI_FILE, asyncapiText));

test('the committed client types are what openapi-typescript generates from docs/openapi.json', () => {
  expectCommitted(CLIENT_TYPES_FILE, generateClientTypes(OPENAPI_FILE));
}, 60_000);

test('the OpenAPI document is valid OpenAPI 3.1', () => {
  const document = JSON.parse(openapiText) as Json;
  expect(document.openapi).toBe('3.1.0');
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), openapiText);
    const validator = join(__dirname, 'validate-openapi.mjs');
    expect(execFileSync(process.execPath, [validator, join(dir, 'openapi.json')], { encoding: 'utf8' }).trim()).toBe('valid');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the AsyncAPI document is valid against the AsyncAPI 3.0.0 JSON schema', () => {
  const document = JSON.parse(asyncapiText) as Json;
  expect(document.asyncapi).toBe('3.0.0');
  // The spec's schema carries its own copy of the draft-07 meta-schema, hence meta: false.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false });
  const validate = ajv.compile(specs.schemas['3.0.0']);
  const valid = validate(document);
  expect(valid ? [] : validate.errors?.slice(0, 5)).toEqual([]);
  // A JSON schema cannot see whether a $ref points anywhere.
  const broken = refsOf(document).filter((target) => resolvePointer(document, target) === undefined);
  expect(broken).toEqual([]);
});

function refsOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refsOf);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' && typeof value === 'string' ? [value] : refsOf(value)));
}

function resolvePointer(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, key) =>
        node && typeof node === 'object' ? (node as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined,
      document,
    );
}

test('every REST operation documents its success answer, and every path parameter', () => {
  const document = JSON.parse(openapiText) as { paths: Record<string, Record<string, Json>> };
  const gaps: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, { schema?: unknown }> }>;
      const success = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
      const described = success.some(([status, r]) => status === '204' || Object.values(r.content ?? {}).some((c) => c.schema));
      if (!described) gaps.push(`${method.toUpperCase()} ${path}: no success response schema`);
      const params = ((operation.parameters ?? []) as Array<{ in: string; name: string }>)
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      for (const [, name] of path.matchAll(/\{(\w+)\}/g))
        if (!params.includes(name as string)) gaps.push(`${method.toUpperCase()} ${path}: {${name}} undescribed`);
    }
  }
  expect(gaps).toEqual([]);
  // The routes every client needs are there, with the bearer scheme.
  expect(document.paths['/v1/rooms']?.post?.security).toEqual([{ bearerAuth: [] }]);
  expect(document.paths['/v1/rooms/{roomId}/messages']?.get).toBeDefined();
  expect(document.paths['/docs']).toBeUndefined();
});

// What the document says about credentials is what the gateway does: every GET without path
// parameters is asked with none, and refused 401 exactly when the document names the bearer scheme.
test('a GET documented with the bearer scheme refuses a request without a token, and only such a GET', async () => {
  const document = JSON.parse(openapiText) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  const mismatches: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    const get = operations.get;
    if (!get || path.includes('{')) continue;
    const documented = JSON.stringify(get.security ?? []).includes('bearerAuth');
    const response = await fetch(`${cluster.url(0)}${path}`);
    await response.arrayBuffer();
    if ((response.status === 401) !== documented) mismatches.push(`GET ${path}: ${response.status}, bearer documented: ${documented}`);
  }
  expect(mismatches).toEqual([]);
  expect(document.paths['/v1/push/vapid-public-key']?.get?.security).toEqual([]);
  expect(document.paths['/v1/hooks/{hookId}']?.post?.security).toEqual([{ hookSignature: [] }]);
});

test('the AsyncAPI document has every client event with its ack and every server event', () => {
  const document = JSON.parse(asyncapiText) as { operations: Record<string, { action: string; reply?: unknown }> };
  expect(document.operations.send_message).toMatchObject({ action: 'receive', reply: expect.any(Object) });
  expect(document.operations.on_new_message).toMatchObject({ action: 'send' });
  const receives = Object.values(document.operations).filter((o) => o.action === 'receive');
  expect(receives.every((o) => o.reply)).toBe(true);
  expect(receives).toHaveLength(18);
});

test('GET /docs is the rendered reference, with every asset served from the gateway itself', async () => {
  const page = await fetch(`${cluster.url(0)}/docs`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/https?:|\*/);
  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
  expect(assets.every((a) => a.startsWith('/'))).toBe(true);
  for (const asset of assets) expect([asset, (await fetch(`${cluster.url(0)}${asset}`)).status]).toEqual([asset, 200]);
  const socketPage = await (await fetch(`${cluster.url(0)}/docs/socket`)).text();
  expect(socketPage).toContain('send_message');
  expect(socketPage).toContain('new_message');
});

test('with API_DOCS_ENABLED=false nothing is served under /docs', async () => {
  for (const path of ['/docs', '/docs/openapi.json', '/docs/asyncapi.json']) {
    expect([path, (await fetch(`${off.url(0)}${path}`)).status]).toEqual([path, 404]);
  }
  expect((await fetch(`${off.url(0)}/healthz`)).status).toBe(200);
});

test('the plain-text route documented as such still answers Prometheus text, not a JSON string', async () => {
  const document = JSON.parse(openapiText) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
  };
  expect(Object.keys(document.paths['/metrics']?.get?.responses['200']?.content ?? {})).toEqual(['text/plain']);
  const response = await fetch(`${cluster.url(0)}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await response.text()).toMatch(/^# HELP /m);
});

test('in a browser, /docs renders the REST operations with no Content-Security-Policy violation', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${cluster.url(0)}/docs`);
    await page.getByText('/v1/rooms/{roomId}/messages').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(REPO, 'test-artifacts', 'api-docs.png') });
    expect(violations).toEqual([]);
  } finally {
    await browser.close();
  }
}, 60_000);
