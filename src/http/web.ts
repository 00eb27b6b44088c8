import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

// The web app, built by Vite into web/dist (`npm run build:web`; `npm start` builds it when
// it is missing or stale). Files are served as they are; any other GET that is not the API's
// is a client route and gets index.html. /api/*, /webhooks/*, /r/* and the operators' probes
// keep their own 404s.

export const WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const SERVER_PREFIXES = ['/api/', '/webhooks/', '/r/'];
const SERVER_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/api']);
const isServerPath = (path: string) => SERVER_PATHS.has(path) || SERVER_PREFIXES.some((p) => path.startsWith(p));

export async function webRoutes(app: FastifyInstance, options: { root?: string } = {}): Promise<void> {
  const root = options.root ?? WEB_ROOT;
  await app.register(fastifyStatic, { root, serve: false });

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isServerPath(path)) return reply.callNotFound();
    const last = path.slice(path.lastIndexOf('/') + 1);
    if (last.includes('.')) {
      // A built file: hashed assets never change; anything missing is a plain 404.
      const hashed = path.startsWith('/assets/');
      return reply.sendFile(path.slice(1), { maxAge: hashed ? '365d' : 0, immutable: hashed });
    }
    if (!fs.existsSync(`${root}/index.html`)) {
      return reply.status(503).send({ error: { code: 'web_not_built', message: 'The web app is not built: run `npm run build:web`.' } });
    }
    // A creator's page holds its token in the address: never stored (Referrer-Policy: no-referrer
    // is sent everywhere, security-headers.ts).
    reply.header('cache-control', path.startsWith('/portal/') ? 'no-store' : 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  });
}
