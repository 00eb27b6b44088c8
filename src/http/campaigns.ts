import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { backfillCampaign } from '../app/campaigns/backfill.ts';
import { createCampaign, getCampaign, listCampaigns, updateCampaign } from '../app/campaigns/campaigns.ts';
import { addCode, removeCode } from '../app/campaigns/codes.ts';
import { addMember, getMember, listMembers, removeMember, updateMemberTerms } from '../app/campaigns/members.ts';
import {
  ZBackfillBody,
  ZBackfillReply,
  ZCampaign,
  ZCampaignBody,
  ZCampaignList,
  ZCampaignParams,
  ZCampaignPatch,
  ZCodeBody,
  ZCodeParams,
  ZMember,
  ZMemberBody,
  ZMemberCode,
  ZMemberList,
  ZMemberParams,
  ZMemberPatch,
  ZRemovedQuery,
} from '../schemas/campaigns.ts';
import { ZError } from '../schemas/common.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// Campaigns, their members and the members' tracking codes.
export const campaignRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  const admin = requireRole('admin');
  const viewer = requireRole('viewer');
  const campaigns = ['campaigns'];
  const members = ['members'];
  const errors = { 404: ZError, 409: ZError, 422: ZError };
  const memberOf = (p: { id: string; creatorId: string }) => ({ campaignId: p.id, creatorId: p.creatorId });

  app.post(
    '/api/campaigns',
    { onRequest: admin, schema: { tags: campaigns, body: ZCampaignBody, response: { 201: ZCampaign, 422: ZError } } },
    async (request, reply) => reply.status(201).send(await createCampaign(db, callerOf(request).accountId, request.body)),
  );

  app.get('/api/campaigns', { onRequest: viewer, schema: { tags: campaigns, response: { 200: ZCampaignList } } }, async (request) => ({
    items: await listCampaigns(db, callerOf(request).accountId),
  }));

  app.get(
    '/api/campaigns/:id',
    { onRequest: viewer, schema: { tags: campaigns, params: ZCampaignParams, response: { 200: ZCampaign, 404: ZError } } },
    async (request) => getCampaign(db, callerOf(request).accountId, request.params.id),
  );

  app.patch(
    '/api/campaigns/:id',
    {
      onRequest: admin,
      schema: {
        tags: campaigns,
        description:
          'New terms apply to conversions created from now on; existing conversions keep theirs. ' +
          'In `commission`, an absent part is kept and null clears it.',
        params: ZCampaignParams,
        body: ZCampaignPatch,
        response: { 200: ZCampaign, ...errors },
      },
    },
    async (request) => updateCampaign(db, callerOf(request).accountId, request.params.id, request.body),
  );

  app.post(
    '/api/campaigns/:id/members',
    {
      onRequest: admin,
      schema: {
        tags: members,
        description:
          'Adds the creator (201), restores a removed member with its codes (201), or, for an active member, ' +
          'adds the codes given (200). Codes are claimed all or nothing.',
        params: ZCampaignParams,
        body: ZMemberBody,
        response: { 200: ZMember, 201: ZMember, ...errors },
      },
    },
    async (request, reply) => {
      const { member, created } = await addMember(db, callerOf(request).accountId, request.params.id, request.body, config.publicUrl);
      return reply.status(created ? 201 : 200).send(member);
    },
  );

  app.get(
    '/api/campaigns/:id/members',
    {
      onRequest: viewer,
      schema: {
        tags: members,
        description: 'Active members whose creator is still in the Community; `removed=true` includes the others.',
        params: ZCampaignParams,
        querystring: ZRemovedQuery,
        response: { 200: ZMemberList, 404: ZError },
      },
    },
    async (request) => ({
      items: await listMembers(
        db,
        callerOf(request).accountId,
        request.params.id,
        { includeRemoved: request.query.removed },
        config.publicUrl,
      ),
    }),
  );

  app.get(
    '/api/campaigns/:id/members/:creatorId',
    { onRequest: viewer, schema: { tags: members, params: ZMemberParams, response: { 200: ZMember, 404: ZError } } },
    async (request) => getMember(db, callerOf(request).accountId, memberOf(request.params), config.publicUrl),
  );

  app.patch(
    '/api/campaigns/:id/members/:creatorId',
    {
      onRequest: admin,
      schema: {
        tags: members,
        description: "Sets the member's own terms (an absent part is kept, null inherits the campaign's); `commission: null` clears them.",
        params: ZMemberParams,
        body: ZMemberPatch,
        response: { 200: ZMember, ...errors },
      },
    },
    async (request) =>
      updateMemberTerms(db, callerOf(request).accountId, memberOf(request.params), request.body.commission, config.publicUrl),
  );

  app.delete(
    '/api/campaigns/:id/members/:creatorId',
    {
      onRequest: admin,
      schema: {
        tags: members,
        description: 'Removes the member from the campaign. Its codes stay its own and keep attributing orders.',
        params: ZMemberParams,
        response: { 204: z.null(), 404: ZError },
      },
    },
    async (request, reply) => {
      await removeMember(db, callerOf(request).accountId, memberOf(request.params));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/campaigns/:id/members/:creatorId/codes',
    {
      onRequest: admin,
      schema: {
        tags: members,
        description: 'Gives the member a tracking code (201; 200 if it already holds it). 409 code_taken if another member holds it.',
        params: ZMemberParams,
        body: ZCodeBody,
        response: { 200: ZMemberCode, 201: ZMemberCode, ...errors },
      },
    },
    async (request, reply) => {
      const { view, created } = await addCode(db, callerOf(request).accountId, memberOf(request.params), request.body.code);
      return reply.status(created ? 201 : 200).send(view);
    },
  );

  app.delete(
    '/api/campaigns/:id/members/:creatorId/codes/:code',
    {
      onRequest: admin,
      schema: {
        tags: members,
        description: 'Frees the code (matched case-insensitively). Past conversions keep the code they were attributed by.',
        params: ZCodeParams,
        response: { 204: z.null(), 404: ZError },
      },
    },
    async (request, reply) => {
      const { code, ...member } = request.params;
      await removeCode(db, callerOf(request).accountId, memberOf(member), code);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/campaigns/:id/backfill',
    {
      onRequest: admin,
      schema: {
        tags: campaigns,
        description:
          "Attributes the stored, unattributed orders placed from `from` to `to` to this campaign's members, " +
          'by the codes and links known now.',
        params: ZCampaignParams,
        body: ZBackfillBody,
        response: { 200: ZBackfillReply, 404: ZError },
      },
    },
    async (request) => backfillCampaign(db, callerOf(request).accountId, request.params.id, request.body),
  );
};
