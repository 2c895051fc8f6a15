import { LivenessResponseSchema, MetricsTextSchema, ReadinessResponseSchema } from '@campzone/protocol';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';

export interface HealthRoutesOptions {
  draining: () => boolean;
  /** Each dependency's check; a rejection or a timeout marks it down. */
  checks: Record<string, () => Promise<unknown>>;
  registry: Registry;
  checkTimeoutMs?: number;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (
  app,
  { draining, checks, registry, checkTimeoutMs = 1000 },
) => {
  app.get('/healthz', { schema: { response: { 200: LivenessResponseSchema } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: { response: { 200: ReadinessResponseSchema, 503: ReadinessResponseSchema } } }, async (_request, reply) => {
    if (draining()) return reply.status(503).send({ status: 'draining' });
    const results = await Promise.all(
      Object.entries(checks).map(
        async ([name, check]) =>
          [
            name,
            await withTimeout(check(), checkTimeoutMs).then(
              () => 'up' as const,
              () => 'down' as const,
            ),
          ] as const,
      ),
    );
    const deps = Object.fromEntries(results);
    const ready = results.every(([, state]) => state === 'up');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', deps });
  });

  app.get('/metrics', { schema: { produces: ['text/plain'], response: { 200: MetricsTextSchema } } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
};

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
