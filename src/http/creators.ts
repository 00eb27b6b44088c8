import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCreator, getCreator, listCreators, removeCreator, restoreCreator, updateCreator } from '../app/creators/creators.ts';
import { ZError } from '../schemas/common.ts';
import { ZCreator, ZCreatorBody, ZCreatorList, ZCreatorListQuery, ZCreatorParams, ZCreatorPatch } from '../schemas/creators.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

// The Community: creators of the account, removable and restorable.
export const creatorRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db }) => {
  const tags = ['creators'];
  const notFound = { 404: ZError };

  app.post(
    '/api/creators',
    { onRequest: requireRole('admin'), schema: { tags, body: ZCreatorBody, response: { 201: ZCreator } } },
    async (request, reply) => reply.status(201).send(await createCreator(db, callerOf(request).accountId, request.body)),
  );

  app.get(
    '/api/creators',
    {
      onRequest: requireRole('viewer'),
      schema: {
        tags,
        description:
          'Creators still in the Community, oldest first, one page at a time; ' +
          '`removed=true` includes removed ones, `removed=only` lists only them.',
        querystring: ZCreatorListQuery,
        response: { 200: ZCreatorList, 400: ZError },
      },
    },
    async (request) => listCreators(db, callerOf(request).accountId, request.query),
  );

  app.get(
    '/api/creators/:id',
    { onRequest: requireRole('viewer'), schema: { tags, params: ZCreatorParams, response: { 200: ZCreator, ...notFound } } },
    async (request) => getCreator(db, callerOf(request).accountId, request.params.id),
  );

  app.patch(
    '/api/creators/:id',
    {
      onRequest: requireRole('admin'),
      schema: { tags, params: ZCreatorParams, body: ZCreatorPatch, response: { 200: ZCreator, ...notFound } },
    },
    async (request) => updateCreator(db, callerOf(request).accountId, request.params.id, request.body),
  );

  app.delete(
    '/api/creators/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags,
        description: 'Removes the creator from the Community. History is kept and its codes keep attributing orders.',
        params: ZCreatorParams,
        response: { 204: z.null(), ...notFound },
      },
    },
    async (request, reply) => {
      await removeCreator(db, callerOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/creators/:id/restore',
    { onRequest: requireRole('admin'), schema: { tags, params: ZCreatorParams, response: { 200: ZCreator, ...notFound } } },
    async (request) => restoreCreator(db, callerOf(request).accountId, request.params.id),
  );
};
