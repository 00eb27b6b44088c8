import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerDeps } from './server.ts';

export const creatorRoutes: FastifyPluginAsyncZod<ServerDeps> = async () => {};
