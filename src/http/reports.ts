import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerDeps } from './server.ts';

export const reportRoutes: FastifyPluginAsyncZod<ServerDeps> = async () => {};
