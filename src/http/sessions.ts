import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { login, logout, signup } from '../app/accounts/accounts.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../app/accounts/credentials.ts';
import { ZApiKey, ZApiKeyBody, ZApiKeyCreated, ZLoginBody, ZSessionReply, ZSignupBody } from '../schemas/auth.ts';
import { ZError, ZIdParams } from '../schemas/common.ts';
import { callerOf, requireRole } from './auth.ts';
import { byAddress, byEmail, limitAttempts } from './rate-limits.ts';
import type { ServerDeps } from './server-deps.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.ts';

// Attempts per window (SPEC §9). Login is counted per address and per e-mail apart, so neither
// many addresses against one e-mail nor many e-mails from one address get far; signup, which
// costs a memory-hard hash, likewise. An address is counted before the body is read; an e-mail
// once the body is valid.
const LOGIN_PER_EMAIL = { max: 10, timeWindow: '15 minutes' };
const LOGIN_PER_ADDRESS = { max: 30, timeWindow: '15 minutes' };
const SIGNUP_PER_EMAIL = { max: 5, timeWindow: '1 hour' };
const SIGNUP_PER_ADDRESS = { max: 10, timeWindow: '1 hour' };

// Sign-up, sign-in, sign-out and API keys.
export const sessionRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const { publicUrl } = config;

  app.post(
    '/api/signup',
    {
      onRequest: limitAttempts(app, { ...SIGNUP_PER_ADDRESS, key: byAddress }),
      preHandler: limitAttempts(app, { ...SIGNUP_PER_EMAIL, key: byEmail }),
      schema: { tags: ['sessions'], body: ZSignupBody, response: { 201: ZSessionReply, 409: ZError, 429: ZError } },
    },
    async (request, reply) => {
      const { account, user, session } = await signup(db, request.body);
      setSessionCookie(request, reply, publicUrl, session);
      return reply.status(201).send({ account, user, csrfToken: session.csrfToken });
    },
  );

  app.post(
    '/api/login',
    {
      onRequest: limitAttempts(app, { ...LOGIN_PER_ADDRESS, key: byAddress }),
      preHandler: limitAttempts(app, { ...LOGIN_PER_EMAIL, key: byEmail }),
      schema: { tags: ['sessions'], body: ZLoginBody, response: { 200: ZSessionReply, 401: ZError, 429: ZError } },
    },
    async (request, reply) => {
      const { account, user, session } = await login(db, request.body);
      setSessionCookie(request, reply, publicUrl, session);
      return { account, user, csrfToken: session.csrfToken };
    },
  );

  app.post('/api/logout', { schema: { tags: ['sessions'], response: { 204: z.null() } } }, async (request, reply) => {
    const token = readSessionCookie(request, publicUrl);
    if (token) await logout(db, token);
    clearSessionCookie(request, reply, publicUrl);
    return reply.status(204).send(null);
  });

  app.post(
    '/api/api-keys',
    { onRequest: requireRole('admin'), schema: { tags: ['api keys'], body: ZApiKeyBody, response: { 201: ZApiKeyCreated } } },
    async (request, reply) =>
      reply.status(201).send(await createApiKey(db, callerOf(request).accountId, request.body, callerOf(request).userId)),
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
