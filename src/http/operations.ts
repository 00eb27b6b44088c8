import type { FastifyPluginAsync } from 'fastify';
import { safeEqual } from '../app/accounts/secrets.ts';
import { AppError } from '../app/errors.ts';
import type { ServerMetrics } from '../app/operations/metrics.ts';
import { checkReadiness } from '../app/operations/readiness.ts';
import type { ServerDeps } from './server-deps.ts';

// For operators, beside GET /healthz (liveness), and like it left out of the API document:
// GET /readyz, whether this process can do its work, and GET /metrics, Prometheus's text format.
// /metrics holds counts and timings only, no tenant's data, so it is open like /healthz unless
// TALLY_METRICS_TOKEN is set; then it asks for that token as a bearer token.
export const operationsRoutes: FastifyPluginAsync<
  ServerDeps & { metrics: ServerMetrics; processor: { lastProgress(): number | null } }
> = async (app, { db, config, metrics, processor }) => {
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const readiness = await checkReadiness(db, processor);
    return reply.status(readiness.ready ? 200 : 503).send(readiness);
  });

  app.get('/metrics', { schema: { hide: true }, config: { ownAuthorization: true } }, async (request, reply) => {
    if (config.metricsToken !== undefined) {
      const header = request.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!safeEqual(token, config.metricsToken)) throw new AppError('unauthenticated', 'Send the metrics token as a bearer token.');
    }
    return reply.type(metrics.contentType).send(await metrics.exposition());
  });
};
