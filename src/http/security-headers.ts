import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { overHttps } from './proxy.ts';

// Response headers (SPEC §9). The dashboard runs only its own built files (no inline script or
// style), talks only to this server, and may not be framed, so Reject / Undo cannot be
// clickjacked. Answers of the API are never stored by browsers or proxies.

const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/**
 * One year, for this host only: Tally does not know what else runs under its domain. Sent over
 * https only, where browsers heed it.
 */
const HSTS = 'max-age=31536000';

const isApiPath = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

export async function registerSecurityHeaders(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (overHttps(request, publicUrl)) reply.header('strict-transport-security', HSTS);
    if (isApiPath(request.url)) reply.header('cache-control', 'no-store');
  });
}
