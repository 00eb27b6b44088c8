import type { FastifyInstance } from 'fastify';
import type { DeliveryBatcher } from '../app/inbox/delivery-batcher.ts';
import { accountRoutes } from './account.ts';
import { campaignRoutes } from './campaigns.ts';
import { conversionRoutes } from './conversions.ts';
import { creatorPageRoutes } from './creator-page.ts';
import { creatorRoutes } from './creators.ts';
import { exportRoutes } from './exports.ts';
import { fxRateRoutes } from './fx-rates.ts';
import { linkRoutes } from './links.ts';
import { payoutRoutes } from './payouts.ts';
import { portalRoutes } from './portal.ts';
import { reportRoutes } from './reports.ts';
import type { ServerDeps } from './server-deps.ts';
import { sessionRoutes } from './sessions.ts';
import { storeRoutes } from './stores.ts';
import { userRoutes } from './users.ts';
import { webhookRoutes } from './webhooks.ts';

// Every resource is its own encapsulated plugin.
export async function routes(app: FastifyInstance, deps: ServerDeps & { batcher: DeliveryBatcher }): Promise<void> {
  await app.register(sessionRoutes, deps);
  await app.register(userRoutes, deps);
  await app.register(accountRoutes, deps);
  await app.register(storeRoutes, deps);
  await app.register(webhookRoutes, deps);
  await app.register(fxRateRoutes, deps);
  await app.register(creatorRoutes, deps);
  await app.register(creatorPageRoutes, deps);
  await app.register(campaignRoutes, deps);
  await app.register(linkRoutes, deps);
  await app.register(conversionRoutes, deps);
  await app.register(reportRoutes, deps);
  await app.register(exportRoutes, deps);
  await app.register(payoutRoutes, deps);
  await app.register(portalRoutes, deps);
}
