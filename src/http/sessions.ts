import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { login, logout, type Session, signup } from '../app/accounts/accounts.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../app/accounts/credentials.ts';
import {
  ZApiKey,
  ZApiKeyBody,
  ZApiKeyCreated,
  ZLoginBody,
  ZSessionReply,
  ZSignupBody,
} from '../schemas/auth.ts';
import { ZError, ZIdParams } from '../schemas/common.ts';
import { callerOf, requireRole, SESSION_COOKIE } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// Sign-up, sign-in, sign-out and API keys.
export const sessionRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const secure = config.publicUrl.startsWith('https://');
  const setCookie = (reply: FastifyReply, session: Session) =>
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      expires: session.expiresAt,
    });

  app.post(
    '/api/signup',
    { schema: { tags: ['sessions'], body: ZSignupBody, response: { 201: ZSessionReply, 409: ZError } } },
    async (request, reply) => {
      const { account, user, session } = await signup(db, request.body);
      setCookie(reply, session);
      return reply.status(201).send({ account, user, csrfToken: session.csrfToken });
    },
  );

  app.post(
    '/api/login',
    {
      config: {
        rateLimit: {
          hook: 'preHandler',
          max: 10,
          timeWindow: '1 minute',
          keyGenerator: (request) => `${request.ip}|${String((request.body as { email?: unknown })?.email ?? '').toLowerCase()}`,
        },
      },
      schema: { tags: ['sessions'], body: ZLoginBody, response: { 200: ZSessionReply, 401: ZError, 429: ZError } },
    },
    async (request, reply) => {
      const { account, user, session } = await login(db, request.body);
      setCookie(reply, session);
      return { account, user, csrfToken: session.csrfToken };
    },
  );

  app.post('/api/logout', { schema: { tags: ['sessions'], response: { 204: z.null() } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await logout(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.post(
    '/api/api-keys',
    { onRequest: requireRole('admin'), schema: { tags: ['api keys'], body: ZApiKeyBody, response: { 201: ZApiKeyCreated } } },
    async (request, reply) => reply.status(201).send(await createApiKey(db, callerOf(request).accountId, request.body, callerOf(request).userId)),
  );

  app.get(
    '/api/api-keys',
    { onRequest: requireRole('admin'), schema: { tags: ['api keys'], response: { 200: z.object({ items: z.array(ZApiKey) }) } } },
    async (request) => ({ items: await listApiKeys(db, callerOf(request).accountId) }),
  );

  app.delete(
    '/api/api-keys/:id',
    { onRequest: requireRole('admin'), schema: { tags: ['api keys'], params: ZIdParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await revokeApiKey(db, callerOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );
};
