import { GatewayCluster } from '../harness/gateway-cluster';

// The gateway serves the built web client at `/` under a CSP of 'self' only, and an API typo
// still gets the JSON 404.

let served: GatewayCluster;
let notServed: GatewayCluster;
beforeAll(async () => {
  [served, notServed] = await Promise.all([
    GatewayCluster.start('web-routes-on', 1),
    GatewayCluster.start('web-routes-off', 1, { SERVE_WEB_CLIENT: 'false' }),
  ]);
});
afterAll(async () => {
  await Promise.all([served?.stop(), notServed?.stop()]);
});

test('GET / is the web client page, with a Content-Security-Policy that allows only its own origin', async () => {
  const response = await fetch(`${served.url(0)}/`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toMatch(/https?:|\*/);
  const html = await response.text();
  expect(html).toContain('<title>CampZone Chat</title>');
  expect(html).toContain('src="app.js"');
});

test('the page script and stylesheet are served from the same origin', async () => {
  const [script, styles] = await Promise.all([fetch(`${served.url(0)}/app.js`), fetch(`${served.url(0)}/styles.css`)]);
  expect(script.status).toBe(200);
  expect(script.headers.get('content-type')).toMatch(/javascript/);
  expect((await script.text()).length).toBeGreaterThan(10_000);
  expect(styles.status).toBe(200);
  expect(styles.headers.get('content-type')).toMatch(/^text\/css/);
});

test('an unknown API path still answers the JSON NOT_FOUND error', async () => {
  const response = await fetch(`${served.url(0)}/v1/nope`);
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
});

test('with SERVE_WEB_CLIENT=false, / is not served and the API still is', async () => {
  expect((await fetch(`${notServed.url(0)}/`)).status).toBe(404);
  expect((await fetch(`${notServed.url(0)}/healthz`)).status).toBe(200);
});
