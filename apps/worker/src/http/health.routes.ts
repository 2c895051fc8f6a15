import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthRoutesOptions {
  draining: () => boolean;
  registry: Registry;
  /** Refreshes gauges read at scrape time (queue depth) before /metrics answers. */
  beforeScrape: () => Promise<void>;
  checks: Record<string, () => Promise<unknown>>;
}

/** /healthz (the process answers), /readyz (Redis and MongoDB answer, not draining), /metrics. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, options) => {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const results: Record<string, string> = {};
    await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          results[name] = 'ok';
        } catch (err) {
          results[name] = err instanceof Error ? err.message : 'failed';
        }
      }),
    );
    const ready = !options.draining() && Object.values(results).every((r) => r === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : options.draining() ? 'draining' : 'unavailable', checks: results });
  });

  app.get('/metrics', async (_request, reply) => {
    try {
      await withTimeout(options.beforeScrape(), 2000);
    } catch {
      // Depth stays at its last value; the other metrics still answer.
    }
    return reply.type(options.registry.contentType).send(await options.registry.metrics());
  });
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
