import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createUser, getAccount, listUsers } from '../app/accounts/accounts.ts';
import { changeOwnPassword, changeRole, endSessions, getUser, removeUser, resetPassword, signedInUser } from '../app/accounts/users.ts';
import { ZUser, ZUserBody } from '../schemas/auth.ts';
import { ZError, ZIdParams } from '../schemas/common.ts';
import { ZMe, ZOwnPasswordBody, ZPasswordReset, ZRoleBody, ZUserList } from '../schemas/users.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';
import { clearSessionCookie } from './session-cookie.ts';

// Users of the account (admins), and the caller's own account: who they are, their password,
// signing out everywhere.
export const userRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const tags = ['users'];

  app.post(
    '/api/users',
    { onRequest: requireRole('admin'), schema: { tags, body: ZUserBody, response: { 201: ZUser, 409: ZError } } },
    async (request, reply) => reply.status(201).send(await createUser(db, callerOf(request).accountId, request.body)),
  );

  app.get('/api/users', { onRequest: requireRole('admin'), schema: { tags, response: { 200: ZUserList } } }, async (request) => ({
    items: await listUsers(db, callerOf(request).accountId),
  }));

  app.patch(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description:
          "Changes a user's role; it applies to their sessions and keys at once. The last admin cannot be demoted (409 last_admin).",
        params: ZIdParams,
        body: ZRoleBody,
        response: { 200: ZUser, 404: ZError, 409: ZError },
      },
    },
    async (request) => changeRole(db, callerOf(request).accountId, request.params.id, request.body.role),
  );

  app.delete(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description:
          'Removes a user: their sessions and event streams end and the API keys they made are revoked. ' +
          'The last admin cannot be removed (409 last_admin).',
        params: ZIdParams,
        response: { 204: z.null(), 404: ZError, 409: ZError },
      },
    },
    async (request, reply) => {
      await removeUser(db, callerOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/users/:id/password',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description: "Sets a user's password; every session of that user ends.",
        params: ZIdParams,
        body: ZPasswordReset,
        response: { 204: z.null(), 404: ZError },
      },
    },
    async (request, reply) => {
      await resetPassword(db, callerOf(request).accountId, request.params.id, request.body.password);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description: 'The caller: the account, the signed-in user (null for an API key) and the role held now.',
        response: { 200: ZMe },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const user = caller.kind === 'session' && caller.userId ? await getUser(db, caller.accountId, caller.userId) : null;
      return { account: await getAccount(db, caller.accountId), user, role: caller.role };
    },
  );

  app.post(
    '/api/me/password',
    {
      onRequest: requireRole('viewer'),
      // It checks a password, as sign-in does: a stolen session must not guess it for long.
      config: {
        rateLimit: {
          hook: 'preHandler',
          max: 10,
          timeWindow: '1 minute',
          keyGenerator: (request) => `me-password|${request.principal?.accountId}|${request.principal?.userId}`,
        },
      },
      schema: {
        tags,
        description:
          "Changes the signed-in user's password (a wrong currentPassword is 403 wrong_password); " +
          'their other sessions end, this one goes on.',
        body: ZOwnPasswordBody,
        response: { 204: z.null(), 403: ZError, 429: ZError },
      },
    },
    async (request, reply) => {
      await changeOwnPassword(db, callerOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/logout-everywhere',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description: 'Ends every session of the signed-in user, this one included.',
        response: { 204: z.null(), 403: ZError },
      },
    },
    async (request, reply) => {
      const { accountId, userId } = signedInUser(callerOf(request));
      await endSessions(db, accountId, userId);
      clearSessionCookie(request, reply, config.publicUrl);
      return reply.status(204).send(null);
    },
  );
};
