import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { approvalHistory, changeApproval, getConversion, listCampaignConversions } from '../app/conversions/conversions.ts';
import { ZCampaignParams } from '../schemas/campaigns.ts';
import { ZError } from '../schemas/common.ts';
import {
  ZApprovalBody,
  ZApprovalHistory,
  ZConversion,
  ZConversionListQuery,
  ZConversionPage,
  ZConversionParams,
} from '../schemas/conversions.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// A campaign's conversions (the Orders table), one conversion, reject / undo and its audit log.
export const conversionRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db }) => {
  const tags = ['conversions'];

  app.get(
    '/api/campaigns/:id/conversions',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        summary: "A campaign's conversions, newest first, by keyset page",
        params: ZCampaignParams,
        querystring: ZConversionListQuery,
        response: { 200: ZConversionPage, 400: ZError, 404: ZError },
      },
    },
    async (request) => listCampaignConversions(db, callerOf(request).accountId, request.params.id, request.query),
  );

  app.get(
    '/api/conversions/:id',
    { onRequest: requireRole('viewer'), schema: { tags, params: ZConversionParams, response: { 200: ZConversion, 404: ZError } } },
    async (request) => getConversion(db, callerOf(request).accountId, request.params.id),
  );

  app.post(
    '/api/conversions/:id/reject',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: 'Reject: the conversion earns and counts nothing',
        params: ZConversionParams,
        body: ZApprovalBody.nullish(),
        response: { 200: ZConversion, 404: ZError, 409: ZError },
      },
    },
    async (request) => changeApproval(db, callerOf(request), request.params.id, 'reject', request.body?.reason),
  );

  app.post(
    '/api/conversions/:id/approve',
    {
      onRequest: requireRole('member'),
      schema: {
        tags,
        summary: 'Undo a rejection',
        params: ZConversionParams,
        body: ZApprovalBody.nullish(),
        response: { 200: ZConversion, 404: ZError, 409: ZError },
      },
    },
    async (request) => changeApproval(db, callerOf(request), request.params.id, 'approve', request.body?.reason),
  );

  app.get(
    '/api/conversions/:id/history',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        summary: 'Approval changes, oldest first',
        params: ZConversionParams,
        response: { 200: ZApprovalHistory, 404: ZError },
      },
    },
    async (request) => ({ items: await approvalHistory(db, callerOf(request).accountId, request.params.id) }),
  );
};
