import type { FastifyInstance } from 'fastify';
import { accountRoutes } from './account.ts';
import { sessionRoutes } from './sessions.ts';
import type { ServerDeps } from './server.ts';

// Every resource is its own encapsulated plugin.
export async function routes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  await app.register(sessionRoutes, deps);
  await app.register(accountRoutes, deps);
}
