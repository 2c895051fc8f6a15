import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLIENT_EVENTS, type ClientEventName, SERVER_EVENTS, type ServerEventName } from '@campzone/protocol';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { buildAsyncApiDocument } from '../docs/asyncapi-document';

/**
 * Swagger UI styles its widgets with inline style attributes, hence 'unsafe-inline' for styles
 * only; scripts stay 'self' (the UI's bundle and our initializer are files served here).
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Swagger UI's own files, from the swagger-ui-dist package: nothing is fetched from a CDN. */
const UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CampZone Chat API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<nav style="font-family: sans-serif; padding: 0.5rem 1rem">
  REST (below) · <a href="/docs/socket">Socket.IO events</a> ·
  <a href="/docs/openapi.json">openapi.json</a> · <a href="/docs/asyncapi.json">asyncapi.json</a>
</nav>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT_JS = "window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n";

/**
 * The API reference (registered when API_DOCS_ENABLED): the OpenAPI document @fastify/swagger
 * builds from the route schemas, the AsyncAPI document built from the protocol's event
 * catalog, Swagger UI over the first and a plain page over the second.
 */
export const apiDocsRoutes: FastifyPluginAsync = async (app) => {
  const asyncApi = JSON.stringify(buildAsyncApiDocument(), null, 2);
  const socketPage = renderSocketEvents();
  const hidden = { schema: { hide: true } };
  const send = (reply: FastifyReply, type: string, body: string | Buffer) =>
    reply.header('content-type', type).header('content-security-policy', DOCS_CSP).header('x-content-type-options', 'nosniff').send(body);

  app.get('/docs', hidden, async (_request, reply) => send(reply, 'text/html; charset=utf-8', INDEX_HTML));
  app.get('/docs/init.js', hidden, async (_request, reply) => send(reply, 'text/javascript; charset=utf-8', INIT_JS));
  app.get('/docs/socket', hidden, async (_request, reply) => send(reply, 'text/html; charset=utf-8', socketPage));
  app.get('/docs/openapi.json', hidden, async (_request, reply) =>
    send(reply, 'application/json; charset=utf-8', JSON.stringify(app.swagger(), null, 2)),
  );
  app.get('/docs/asyncapi.json', hidden, async (_request, reply) => send(reply, 'application/json; charset=utf-8', asyncApi));
  const uiRoot = dirname(require.resolve('swagger-ui-dist/package.json'));
  for (const [name, type] of Object.entries(UI_ASSETS)) {
    const body = readFileSync(join(uiRoot, name));
    app.get(`/docs/${name}`, hidden, async (_request, reply) => send(reply, type, body).header('cache-control', 'public, max-age=3600'));
  }
};

function renderSocketEvents(): string {
  const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
  const client = (Object.keys(CLIENT_EVENTS) as ClientEventName[]).map((event) => {
    const spec = CLIENT_EVENTS[event];
    return `<section id="${event}"><h3>${event}</h3><p>${escapeHtml(spec.summary)}</p>
<details><summary>payload</summary>${json(spec.payload)}</details>
<details><summary>ack: { ok: true, ... }${spec.reply ? `, then <code>${spec.reply}</code>` : ''}</summary>${json(spec.ack)}</details></section>`;
  });
  const server = (Object.keys(SERVER_EVENTS) as ServerEventName[]).map((event) => {
    const spec = SERVER_EVENTS[event];
    return `<section id="${event}"><h3>${event}</h3><p>${escapeHtml(spec.summary)}</p><details><summary>payload</summary>${json(spec.payload)}</details></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CampZone Chat Socket.IO events</title></head>
<body style="font-family: sans-serif; max-width: 60rem; margin: auto; padding: 1rem">
<h1>Socket.IO events</h1>
<p>Every client event may carry an ack callback, answered <code>{ ok: true, ...payload }</code> or
<code>{ ok: false, error: { code, message, retryAfterMs? } }</code>. Machine-readable: <a href="/docs/asyncapi.json">asyncapi.json</a> (AsyncAPI 3.0).
REST: <a href="/docs">the OpenAPI reference</a>.</p>
<h2>Client to server</h2>
${client.join('\n')}
<h2>Server to client</h2>
${server.join('\n')}
</body></html>
`;
}
