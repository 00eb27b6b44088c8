import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { getAccount, updateAccount } from '../app/accounts/accounts.ts';
import { ZAccount, ZAccountPatch } from '../schemas/auth.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

export const accountRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db }) => {
  app.get(
    '/api/account',
    { onRequest: requireRole('viewer'), schema: { tags: ['account'], response: { 200: ZAccount } } },
    async (request) => getAccount(db, callerOf(request).accountId),
  );

  app.patch(
    '/api/account',
    { onRequest: requireRole('admin'), schema: { tags: ['account'], body: ZAccountPatch, response: { 200: ZAccount } } },
    async (request) => updateAccount(db, callerOf(request).accountId, request.body),
  );
};
