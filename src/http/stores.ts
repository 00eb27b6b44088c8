import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listDeadLetters, replayDeadLetter } from '../app/inbox/deliveries.ts';
import { listPrivacyRequests } from '../app/inbox/privacy-requests.ts';
import { getOrder, putCustomOrder } from '../app/stores/custom-orders.ts';
import { createStore, getStore, listStores, updateStore } from '../app/stores/stores.ts';
import { ZError, ZIdParams } from '../schemas/common.ts';
import {
  ZCustomOrderBody,
  ZDeadLetterParams,
  ZDeadLetters,
  ZOrder,
  ZOrderParams,
  ZPrivacyRequests,
  ZReplay,
  ZStore,
  ZStoreBody,
  ZStorePatch,
} from '../schemas/stores.ts';
import { callerOf, requireRole } from './auth.ts';
import type { ServerDeps } from './server-deps.ts';

export const storeRoutes: FastifyPluginAsyncZod<ServerDeps> = async (app, { db, config }) => {
  app.post(
    '/api/stores',
    { onRequest: requireRole('admin'), schema: { tags: ['stores'], body: ZStoreBody, response: { 201: ZStore, 422: ZError } } },
    async (request, reply) => reply.status(201).send(await createStore(db, callerOf(request).accountId, request.body, config.publicUrl)),
  );

  app.get(
    '/api/stores',
    { onRequest: requireRole('viewer'), schema: { tags: ['stores'], response: { 200: z.object({ items: z.array(ZStore) }) } } },
    async (request) => {
      const { accountId, role } = callerOf(request);
      return { items: await listStores(db, accountId, config.publicUrl, role) };
    },
  );

  app.get(
    '/api/stores/:id',
    { onRequest: requireRole('viewer'), schema: { tags: ['stores'], params: ZIdParams, response: { 200: ZStore, 404: ZError } } },
    async (request) => {
      const { accountId, role } = callerOf(request);
      return getStore(db, accountId, request.params.id, config.publicUrl, role);
    },
  );

  app.put(
    '/api/stores/:id/orders/:externalId',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['orders'],
        description: 'Creates or updates an order of a custom store. Idempotent; an older updatedAt than the stored one changes nothing.',
        params: ZOrderParams,
        body: ZCustomOrderBody,
        response: { 200: ZOrder, 404: ZError, 422: ZError },
      },
    },
    async (request) => putCustomOrder(db, callerOf(request).accountId, request.params.id, request.params.externalId, request.body),
  );

  app.get(
    '/api/stores/:id/orders/:externalId',
    { onRequest: requireRole('viewer'), schema: { tags: ['orders'], params: ZOrderParams, response: { 200: ZOrder, 404: ZError } } },
    async (request) => getOrder(db, callerOf(request).accountId, request.params.id, request.params.externalId),
  );

  app.patch(
    '/api/stores/:id',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['stores'], params: ZIdParams, body: ZStorePatch, response: { 200: ZStore, 404: ZError, 422: ZError } },
    },
    async (request) => updateStore(db, callerOf(request).accountId, request.params.id, request.body, config.publicUrl),
  );

  app.get(
    '/api/stores/:id/dead-letters',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['webhooks'],
        description: 'Signed deliveries that could not be processed, newest first.',
        params: ZIdParams,
        response: { 200: ZDeadLetters, 404: ZError },
      },
    },
    async (request) => ({ items: await listDeadLetters(db, callerOf(request).accountId, request.params.id) }),
  );

  app.post(
    '/api/stores/:id/dead-letters/:dlId/replay',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['webhooks'],
        description:
          'Parses a dead letter again with the current code and store settings and applies it if it now can; ' +
          'otherwise it stays a dead letter with the new reason.',
        params: ZDeadLetterParams,
        response: { 200: ZReplay, 404: ZError },
      },
    },
    async (request) => replayDeadLetter(db, callerOf(request).accountId, request.params.id, request.params.dlId),
  );

  app.get(
    '/api/stores/:id/privacy-requests',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['webhooks'],
        description:
          "Shopify's privacy requests (customers/redact, shop/redact, customers/data_request) received for this store " +
          'and how each was honoured, newest first. ' +
          'Tally keeps no customer data; what it erases are the kept bodies of dead letters.',
        params: ZIdParams,
        response: { 200: ZPrivacyRequests, 404: ZError },
      },
    },
    async (request) => ({ items: await listPrivacyRequests(db, callerOf(request).accountId, request.params.id) }),
  );
};
