import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { creatorCampaigns, listCreatorConversions } from '../app/creators/creator-page.ts';
import { ZError, ZIdParams } from '../schemas/common.ts';
import { ZConversionPage } from '../schemas/conversions.ts';
import { ZCreatorCampaigns, ZCreatorConversionsQuery } from '../schemas/creator-page.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// A creator across the account, for the creator's page: their campaigns and their orders.
export const creatorPageRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const tags = ['creators'];

  app.get(
    '/api/creators/:id/campaigns',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description:
          "Every campaign the creator is or was a member of, with the membership's codes, links and terms, and the counted " +
          'orders and commission there.',
        params: ZIdParams,
        response: { 200: ZCreatorCampaigns, 404: ZError },
      },
    },
    async (request) => creatorCampaigns(db, callerOf(request).accountId, request.params.id, config.publicUrl),
  );

  app.get(
    '/api/creators/:id/conversions',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        summary: "A creator's conversions in every campaign, newest first, by keyset page",
        params: ZIdParams,
        querystring: ZCreatorConversionsQuery,
        response: { 200: ZConversionPage, 400: ZError, 404: ZError },
      },
    },
    async (request) => listCreatorConversions(db, callerOf(request).accountId, request.params.id, request.query),
  );
};
