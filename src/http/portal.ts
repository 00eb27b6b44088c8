import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createPortalLink, portalLinkState, revokePortalLink } from '../app/portal/portal-links.ts';
import { portalView } from '../app/portal/portal-view.ts';
import { ZError, ZIdParams } from '../schemas/common.ts';
import { ZPortal, ZPortalLink, ZPortalLinkState, ZPortalParams, ZPortalQuery } from '../schemas/portal.ts';
import { callerOf, requireRole } from './auth.ts';
import { byAddress, limitAttempts } from './rate-limits.ts';
import type { ServerDeps } from './server-deps.ts';

// A creator's own page (SPEC §10, §11). Admins make and revoke the link; the page's data is
// read with the link's token alone. Reads are limited per address, so tokens cannot be tried
// in bulk (they are 256 random bits anyway). Like every /api/ answer it is no-store, and the
// server sends Referrer-Policy: no-referrer everywhere, so the token leaves in no Referer.
const PORTAL_PER_ADDRESS = { max: 60, timeWindow: '1 minute' };

export const portalRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const tags = ['portal'];

  app.post(
    '/api/creators/:id/portal-link',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description: "A link to the creator's own page. It replaces the creator's previous link, which stops working.",
        params: ZIdParams,
        response: { 201: ZPortalLink, 404: ZError },
      },
    },
    async (request, reply) => reply.status(201).send(await createPortalLink(db, callerOf(request), request.params.id, config.publicUrl)),
  );

  app.get(
    '/api/creators/:id/portal-link',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description: 'Whether the creator has a working link, and since when. Its URL is shown only when it is made.',
        params: ZIdParams,
        response: { 200: ZPortalLinkState, 404: ZError },
      },
    },
    async (request) => portalLinkState(db, callerOf(request).accountId, request.params.id),
  );

  app.delete(
    '/api/creators/:id/portal-link',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description: "Revokes the creator's link: the page answers 404 from now on. Revoking when there is none changes nothing.",
        params: ZIdParams,
        response: { 204: z.null(), 404: ZError },
      },
    },
    async (request, reply) => {
      await revokePortalLink(db, callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/portal/:token',
    {
      // No credentials but the token: a caller's session or key, if any, is not read.
      config: { ownAuthorization: true },
      onRequest: limitAttempts(app, { ...PORTAL_PER_ADDRESS, key: byAddress }),
      schema: {
        tags,
        description:
          "What the creator's page shows: their counted orders in this account (newest first, 500 a page: pass `nextCursor` " +
          'as `cursor` for more), on hold, amount due and payouts. 404 `not_found` for an unknown or revoked token alike.',
        params: ZPortalParams,
        querystring: ZPortalQuery,
        response: { 200: ZPortal, 400: ZError, 404: ZError, 429: ZError },
      },
    },
    async (request) => portalView(db, request.params.token, request.query, new Date()),
  );
};
