import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addLinkDomain, listLinkDomains, removeLinkDomain } from '../app/campaigns/link-domains.ts';
import { createLink, followLink } from '../app/campaigns/links.ts';
import { ZError } from '../schemas/common.ts';
import { ZLink, ZLinkBody, ZLinkDomainBody, ZLinkDomainParams, ZLinkDomains, ZLinkParams, ZSlugParams } from '../schemas/links.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

const UNKNOWN_LINK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Link not found</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>This link is not known</h1><p>Check the address, or ask whoever shared it for a new one.</p></body></html>
`;

const LINK_OFF_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Link switched off</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>This link is switched off</h1>
<p>The brand no longer sends this link to its address. Ask whoever shared it for a new one.</p></body></html>
`;

// Members' affiliate links, the domains they may lead to, and the public redirect behind them
// (SPEC §5.2, §9).
export const linkRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const admin = requireRole('admin');
  const tags = ['account'];

  app.get(
    '/api/account/link-domains',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description:
          "The domains affiliate links may lead to: the stores' domains and the list admins keep; subdomains of each are allowed too.",
        response: { 200: ZLinkDomains },
      },
    },
    async (request) => listLinkDomains(db, callerOf(request).accountId),
  );

  app.post(
    '/api/account/link-domains',
    {
      onRequest: admin,
      schema: {
        tags,
        description: 'Adds a domain links may lead to: 201 when added, 200 when it was listed already.',
        body: ZLinkDomainBody,
        response: { 200: ZLinkDomains, 201: ZLinkDomains },
      },
    },
    async (request, reply) => {
      const { added, view } = await addLinkDomain(db, callerOf(request).accountId, request.body.domain);
      return reply.status(added ? 201 : 200).send(view);
    },
  );

  app.delete(
    '/api/account/link-domains/:domain',
    {
      onRequest: admin,
      schema: {
        tags,
        description: "Takes a domain off the list. Links to it stop redirecting unless it is a store's domain.",
        params: ZLinkDomainParams,
        response: { 204: z.null(), 404: ZError },
      },
    },
    async (request, reply) => {
      await removeLinkDomain(db, callerOf(request).accountId, request.params.domain);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/campaigns/:id/members/:creatorId/links',
    {
      onRequest: admin,
      schema: {
        tags: ['members'],
        description:
          'Gives the member a new affiliate link to `destination`; `url` redirects there with `ref={slug}` added. ' +
          '409 member_removed if the creator is not an active member; 422 destination_not_allowed if the destination is not on a ' +
          "domain of the account's stores or its list of link domains (GET /api/account/link-domains).",
        params: ZLinkParams,
        body: ZLinkBody,
        response: { 201: ZLink, 404: ZError, 409: ZError, 422: ZError },
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
    if (target === 'off') return reply.status(404).type('text/html; charset=utf-8').send(LINK_OFF_PAGE);
    return reply.redirect(target, 302);
  });
};
