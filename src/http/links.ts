import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createLink, followLink } from '../app/campaigns/links.ts';
import { ZError } from '../schemas/common.ts';
import { ZLink, ZLinkBody, ZLinkParams, ZSlugParams } from '../schemas/links.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

const UNKNOWN_LINK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Link not found</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>This link is not known</h1><p>Check the address, or ask whoever shared it for a new one.</p></body></html>
`;

// Members' affiliate links and the public redirect behind them (SPEC §5.2).
export const linkRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const admin = requireRole('admin');

  app.post(
    '/api/campaigns/:id/members/:creatorId/links',
    {
      onRequest: admin,
      schema: {
        tags: ['members'],
        description: 'Gives the member a new affiliate link to `destination`; `url` redirects there with `ref={slug}` added. ' +
          '409 member_removed if the creator is not an active member.',
        params: ZLinkParams,
        body: ZLinkBody,
        response: { 201: ZLink, 404: ZError, 409: ZError },
      },
    },
    async (request, reply) => {
      const ref = { campaignId: request.params.id, creatorId: request.params.creatorId };
      const link = await createLink(db, callerOf(request).accountId, ref, request.body.destination, config.publicUrl);
      return reply.status(201).send(link);
    },
  );

  // Public and unauthenticated: anyone following a shared link lands here.
  app.get('/r/:slug', { schema: { hide: true, params: ZSlugParams } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    // HEAD (link previews, uptime checks) answers the same without counting a click.
    const visitor = request.method === 'HEAD' ? null : { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' };
    const target = await followLink(db, request.params.slug, visitor);
    if (target === null) return reply.status(404).type('text/html; charset=utf-8').send(UNKNOWN_LINK_PAGE);
    return reply.redirect(target, 302);
  });
};
