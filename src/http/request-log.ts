import type { FastifyInstance } from 'fastify';
import { loggedPath } from '../logging.ts';

/**
 * One log line per request (Fastify's own two, with the client's address, are turned off):
 * its method, route, status and time, once its response is closed — answered, or a stream the
 * client left (`aborted`), which Fastify's onResponse never sees. The route is the template
 * (`/r/:slug`), or the path without its query string for a request no route took, a creator
 * page's token censored (logging.ts).
 */
export function logRequests(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.once('close', () => {
      const url = request.routeOptions.url ?? loggedPath(request.url);
      const aborted = !reply.raw.writableFinished;
      request.log.info(
        { method: request.method, url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), ...(aborted && { aborted }) },
        'request',
      );
    });
  });
}
