import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { campaignPerformance, community, dashboard } from '../app/reports/reports.ts';
import { ZCampaignParams } from '../schemas/campaigns.ts';
import { ZError, ZRange } from '../schemas/common.ts';
import { ZCommunity, ZCommunityQuery, ZDashboard, ZPerformance } from '../schemas/reports.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// Sales figures for a range: the home dashboard, a campaign's Performance tab, the Community.
export const reportRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db }) => {
  const tags = ['reports'];

  app.get(
    '/api/dashboard',
    { onRequest: requireRole('viewer'), schema: { tags, querystring: ZRange, response: { 200: ZDashboard, 400: ZError } } },
    async (request) => dashboard(db, callerOf(request).accountId, request.query),
  );

  app.get(
    '/api/campaigns/:id/performance',
    {
      onRequest: requireRole('viewer'),
      schema: { tags, params: ZCampaignParams, querystring: ZRange, response: { 200: ZPerformance, 400: ZError, 404: ZError } },
    },
    async (request) => campaignPerformance(db, callerOf(request).accountId, request.params.id, request.query),
  );

  app.get(
    '/api/community',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description:
          'Creators still in the Community with their figures for the range, one page at a time, with totals over every matching creator.',
        querystring: ZCommunityQuery,
        response: { 200: ZCommunity, 400: ZError },
      },
    },
    async (request) => community(db, callerOf(request).accountId, request.query),
  );
};
