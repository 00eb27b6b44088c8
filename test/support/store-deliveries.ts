import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

// Signed store deliveries built from a few numbers, for tests that write histories of orders:
// Shopify orders (ids beyond 2^53 written as raw JSON), refunds/create, WooCommerce orders and
// deletions. Each returns the store's answer status.

export interface SignedStore {
  id: string;
  secret: string;
  currency: string;
}

export interface ShopifyVersion {
  orderId: string;
  number: string;
  createdAt: string;
  updatedAt: string;
  financialStatus: string;
  cancelledAt?: string | null;
  subtotal: string;
  current: string;
  codes: string[];
  landingSite?: string | null;
  refunds: Array<{ id: string; lines: string[] }>;
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

export function shopifyOrderBody(store: SignedStore, v: ShopifyVersion): string {
  const money = (amount: string) => ({ shop_money: { amount, currency_code: store.currency } });
  const body = {
    id: '__ID__',
    admin_graphql_api_id: `gid://shopify/Order/${v.orderId}`,
    name: v.number,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    currency: store.currency,
    financial_status: v.financialStatus,
    cancelled_at: v.cancelledAt ?? null,
    subtotal_price_set: money(v.subtotal),
    current_subtotal_price_set: money(v.current),
    discount_codes: v.codes.map((code) => ({ code })),
    landing_site: v.landingSite ?? null,
    refunds: v.refunds.map((r) => ({
      id: 1,
      admin_graphql_api_id: `gid://shopify/Refund/${r.id}`,
      refund_line_items: r.lines.map((amount) => ({ subtotal_set: money(amount) })),
    })),
  };
  return JSON.stringify(body).replace('"__ID__"', v.orderId);
}

export function shopifyRefundBody(store: SignedStore, orderId: string, refund: { id: string; lines: string[] }): string {
  return JSON.stringify({
    id: '__R__',
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    order_id: '__ID__',
    created_at: '2026-03-07T10:00:00Z',
    refund_line_items: refund.lines.map((amount) => ({ subtotal_set: { shop_money: { amount, currency_code: store.currency } } })),
  })
    .replace('"__R__"', refund.id)
    .replace('"__ID__"', orderId);
}

let sequence = 0;

export async function sendShopify(app: FastifyInstance, store: SignedStore, topic: string, body: string, deliveryId = `s-${++sequence}`) {
  const res = await app.inject({
    method: 'POST',
    url: `/webhooks/shopify/${store.id}`,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-webhook-id': deliveryId,
      'x-shopify-hmac-sha256': sign(store.secret, body),
    },
    payload: body,
  });
  return res.statusCode;
}

export async function sendWoo(app: FastifyInstance, store: SignedStore, topic: string, body: string, deliveryId = `w-${++sequence}`) {
  const res = await app.inject({
    method: 'POST',
    url: `/webhooks/woocommerce/${store.id}`,
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-delivery-id': deliveryId,
      'x-wc-webhook-signature': sign(store.secret, body),
    },
    payload: body,
  });
  return res.statusCode;
}
