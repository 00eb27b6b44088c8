import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sha256 } from '../app/accounts/secrets.ts';
import { AppError } from '../app/errors.ts';
import { type Delivery, type Receipt, receiveDelivery } from '../app/inbox/deliveries.ts';
import type { DeliveryBatcher } from '../app/inbox/delivery-batcher.ts';
import { WebhookStores } from '../app/inbox/webhook-stores.ts';
import type { DeliveryOutcome } from '../app/operations/metrics.ts';
import { hasControlCharacters } from '../core/limits.ts';
import { isDatabaseAway } from '../db/outage.ts';
import { ZError, ZId } from '../schemas/common.ts';
import type { ServerDeps } from './server-deps.ts';

const LIMIT = 1024 * 1024;
const ZParams = z.object({ storeId: ZId });
const ZReceipt = z
  .object({
    outcome: z
      .enum(['stored', 'duplicate', 'ignored', 'dead'])
      .describe(
        'stored: committed, applied to the ledger shortly after (a Shopify privacy request: honoured and recorded); ' +
          'duplicate: this delivery id is kept already; ' +
          'ignored: a topic Tally does not read; dead: kept as a dead letter',
      ),
    reason: z.string().optional().describe('why a dead letter cannot be processed'),
  })
  .describe('Sent only once the delivery is durably stored.');
// WooCommerce checks a new webhook's URL with an unsigned form post of its id.
const WOO_PING = /^webhook_id=\d+$/;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** A refused delivery's outcome, for the metrics. */
const refusal = (error: unknown): DeliveryOutcome => {
  if (error instanceof AppError && error.code === 'invalid_signature') return 'rejected_signature';
  if (error instanceof AppError && error.code === 'not_found') return 'unknown_store';
  if ((error instanceof AppError && error.code === 'unavailable') || isDatabaseAway(error)) return 'unavailable';
  return 'error';
};

// Store webhooks: the signature is checked over the raw bytes, so every body is read as bytes.
export const webhookRoutes: FastifyPluginAsyncZod<ServerDeps & { batcher: DeliveryBatcher }> = async (app, { db, batcher }) => {
  const inbox = { db, stores: new WebhookStores(db), batcher };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMIT }, (_request, body, done) => done(null, body));

  // The receipts are built here from fixed words: the schemas describe them in the API
  // document, and they are written without checking each one again.
  const receipt = () => (data: unknown) => JSON.stringify(data);
  const schema = (platform: string) => ({
    tags: ['webhooks'],
    description: `Deliveries from ${platform}, signed with the store's webhook secret.`,
    params: ZParams,
    response: { 200: ZReceipt, 202: ZReceipt, 401: ZError, 404: ZError, 413: ZError, 503: ZError },
    security: [],
  });

  // A delivery without an id (or with an empty one) is keyed by its content, so an identical
  // resend is still a duplicate. The id is kept in a unique index, whose entries PostgreSQL
  // caps at about 2.7 kB, and a text column cannot hold NUL: an id longer than 255 characters
  // or holding a control character is keyed by its hash, so a resend is still a duplicate.
  const deliveryId = (given: string | undefined, topic: string, body: Buffer) => {
    if (!given) return `body:${sha256(`${topic}\n${body.toString('base64')}`)}`;
    return given.length > 255 || hasControlCharacters(given) ? `id:${sha256(given)}` : given;
  };

  const answer = async (delivery: Delivery) => {
    let receipt: Receipt;
    try {
      receipt = await receiveDelivery(inbox, delivery);
    } catch (error) {
      app.metrics.received(delivery.platform, null, refusal(error));
      throw error;
    }
    app.metrics.received(delivery.platform, delivery.storeId, receipt.outcome === 'dead' ? 'dead_letter' : receipt.outcome);
    return receipt.outcome === 'dead'
      ? { status: 202 as const, body: { outcome: receipt.outcome, reason: receipt.reason } }
      : { status: 200 as const, body: { outcome: receipt.outcome } };
  };

  app.post(
    '/webhooks/shopify/:storeId',
    { bodyLimit: LIMIT, schema: schema('Shopify'), serializerCompiler: receipt },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const topic = header(request.headers['x-shopify-topic']) ?? '';
      const { status, body: answered } = await answer({
        platform: 'shopify',
        storeId: request.params.storeId,
        topic,
        deliveryId: deliveryId(header(request.headers['x-shopify-webhook-id']), topic, body),
        signature: header(request.headers['x-shopify-hmac-sha256']),
        body,
      });
      return reply.status(status).send(answered);
    },
  );

  app.post(
    '/webhooks/woocommerce/:storeId',
    { bodyLimit: LIMIT, schema: schema('WooCommerce'), serializerCompiler: receipt },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = header(request.headers['x-wc-webhook-signature']);
      if (!signature && WOO_PING.test(body.toString('latin1').trim())) return reply.status(200).send({ outcome: 'ignored' });
      const topic = header(request.headers['x-wc-webhook-topic']) ?? '';
      const { status, body: answered } = await answer({
        platform: 'woocommerce',
        storeId: request.params.storeId,
        topic,
        deliveryId: deliveryId(header(request.headers['x-wc-webhook-delivery-id']), topic, body),
        signature,
        body,
      });
      return reply.status(status).send(answered);
    },
  );
};
