import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { webRoot } from '@campzone/web';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The page may load and connect to its own origin only. Nothing on it needs another host, and
 * `connect-src 'self'` means even injected script could not ship a token elsewhere. The socket
 * counts as 'self' too (CSP 3 matches ws: and wss: on the page's host and port).
 */
export const WEB_CLIENT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface WebClientRoutesOptions {
  /** The built client (index.html, app.js, styles.css, ...); @campzone/web's dist/public by default. */
  root?: string;
}

/**
 * Serves the web client at `/` (registered when SERVE_WEB_CLIENT is true): the handful of
 * built files, read once at start, one route each, so there is no catch-all that could shadow
 * the JSON 404 of a mistyped API path and no path from a URL ever reaches the filesystem.
 *
 * Not @fastify/static: v10 requires content-disposition 2, an ES module, which Node 20.19 loads
 * but jest on Node 20 cannot, and this file is loaded by every in-process gateway test.
 */
export const webClientRoutes: FastifyPluginAsync<WebClientRoutesOptions> = async (app, { root = webRoot }) => {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'web client is not built (npm run build); / is not served');
    return;
  }
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType || !statSync(path).isFile()) continue;
    const body = readFileSync(path);
    files.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }

  for (const [name, file] of files) {
    const urls = name === 'index.html' ? ['/', '/index.html'] : [`/${name}`];
    for (const url of urls) {
      app.get(url, { schema: { hide: true } }, async (request, reply) => {
        reply
          .header('content-type', file.contentType)
          .header('content-security-policy', WEB_CLIENT_CSP)
          // File names carry no content hash, so browsers revalidate instead of caching blind.
          .header('cache-control', 'no-cache')
          .header('etag', file.etag)
          .header('x-content-type-options', 'nosniff')
          .header('referrer-policy', 'no-referrer');
        if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
        return reply.send(file.body);
      });
    }
  }
};
