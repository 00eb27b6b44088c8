import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stripKeptBodies } from '../../src/db/migrations/0017-privacy.ts';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Personal data (SPEC §9): a dead letter keeps its body without the customer's data and still
// replays; a body that is not JSON is not kept; bodies kept before are stripped by migration
// 0017; Shopify's three privacy topics are honoured, recorded, and never dead letters.

const fixture = (path: string) => fs.readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
/** The webhook body inside a REST envelope, its text as it is. */
const inner = (path: string, key: string) => {
  const text = fixture(path);
  return text.slice(text.indexOf('{', text.indexOf(`"${key}"`)), text.lastIndexOf('}')).trimEnd();
};
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

const ORDER = fixture('shopify/orders-create-docs-sample-cancelled-voided-2026-04.json');
const REFUND = fixture('shopify/refunds-create-docs-sample-partial-with-transactions-2026-04.json');
const WOO_REFUNDED = inner('woocommerce/order-ios-fixture-fully-refunded.json', 'data');
const CUSTOMERS_REDACT = fixture('shopify/customers-redact-app-template-sample.json');
const DATA_REQUEST = fixture('shopify/customers-data_request-docs-sample-2026-04.json');
const SHOP_REDACT = fixture('shopify/shop-redact-docs-sample-2026-04.json');
/** The fixture order with another id, as one of the orders the privacy samples name. */
const orderNumbered = (id: string) =>
  ORDER.replace('"id": 820982911946154500,', `"id": ${id},`).replace('gid://shopify/Order/820982911946154508', `gid://shopify/Order/${id}`);

const SHOPIFY_PERSONAL = [
  'jon@example.com',
  'john@example.com',
  'Steve',
  'Shipper',
  '123 Shipping Street',
  '555-555-SHIP',
  '123 Elm St.',
  'K2H7A8',
  '123-123-1234',
  'key=abcdefg',
];
const WOO_PERSONAL = [
  '108.30.4.3',
  'mozilla/5.0',
  'Sara',
  '123 Street',
  '500 Ground St',
  '90210',
  '333-333-3333',
  'wc_order_599f3d991a53e',
];
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/i;

interface Store {
  id: string;
  secret: string;
  platform: 'shopify' | 'woocommerce';
}
let seq = 0;

describeDb('personal data', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp();
    admin = (await newAccount(t.app)).admin;
  });
  afterAll(async () => t?.close());

  async function store(currency: string, platform: Store['platform'] = 'shopify'): Promise<Store> {
    const res = await admin.post('/api/stores', { platform, name: `${platform} ${++seq}`, currency });
    expect(res.status).toBe(201);
    return { id: res.body.id, secret: res.body.webhookSecret, platform };
  }

  async function deliver(s: Store, topic: string, body: string, opts: { id?: string; secret?: string } = {}) {
    const id = opts.id ?? `p-${++seq}`;
    const signature = sign(opts.secret ?? s.secret, body);
    const headers =
      s.platform === 'shopify'
        ? { 'x-shopify-topic': topic, 'x-shopify-webhook-id': id, 'x-shopify-hmac-sha256': signature }
        : { 'x-wc-webhook-topic': topic, 'x-wc-webhook-delivery-id': id, 'x-wc-webhook-signature': signature };
    const res = await t.app.inject({
      method: 'POST',
      url: `/webhooks/${s.platform}/${s.id}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });
    await t.settle();
    return { status: res.statusCode, body: res.json(), deliveryId: id };
  }

  /** The kept body of a delivery (null when none is kept), as text. */
  const kept = async (s: Store, deliveryId: string) => {
    const row = await t.db
      .selectFrom('deliveries')
      .select(['id', 'raw'])
      .where('store_id', '=', s.id)
      .where('delivery_id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    return { id: row.id, text: row.raw === null ? null : Buffer.from(row.raw).toString('utf8') };
  };
  const privacyRequests = async (s: Store) => {
    const res = await admin.get(`/api/stores/${s.id}/privacy-requests`);
    expect(res.status).toBe(200);
    return (res.body.items as Array<Record<string, unknown>>).map(({ id: _id, receivedAt, ...rest }) => {
      expect(Number.isNaN(Date.parse(String(receivedAt)))).toBe(false);
      return rest;
    });
  };

  it('keeps a Shopify dead letter without the customer, its ids exact, and replays it once the store is fixed', async () => {
    const wrong = await store('EUR');
    const dead = await deliver(wrong, 'orders/create', ORDER);
    expect([dead.status, dead.body]).toEqual([202, { outcome: 'dead', reason: 'the order is in USD but the store is set to EUR' }]);
    const { id, text } = await kept(wrong, dead.deliveryId);
    for (const value of SHOPIFY_PERSONAL) expect(ORDER).toContain(value);
    for (const value of SHOPIFY_PERSONAL) expect(text, value).not.toContain(value);
    expect(text).not.toMatch(EMAIL);
    // The id as the body wrote it, digit for digit, and the country of the billing address.
    expect(text).toContain('"id":820982911946154500,');
    expect(text).toContain('"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"');
    expect(text).toContain('"billing_address":{"country":"United States","country_code":"US"}');

    expect((await admin.patch(`/api/stores/${wrong.id}`, { currency: 'USD' })).status).toBe(200);
    const replay = await admin.post(`/api/stores/${wrong.id}/dead-letters/${id}/replay`);
    expect(replay.body).toEqual({ id, status: 'done', reason: null });
    // The same as the original body applied to a store that was right from the start.
    const right = await store('USD');
    expect((await deliver(right, 'orders/create', ORDER)).body).toEqual({ outcome: 'stored' });
    const replayed = (await admin.get(`/api/stores/${wrong.id}/orders/820982911946154508`)).body;
    const direct = (await admin.get(`/api/stores/${right.id}/orders/820982911946154508`)).body;
    expect(replayed).toEqual({ ...direct, storeId: wrong.id });
    expect(replayed).toMatchObject({ status: 'canceled', country: 'US', subtotal: { value: '404.95', currency: 'USD' } });
    expect(await kept(wrong, dead.deliveryId)).toEqual({ id, text: null });
  });

  it('keeps a WooCommerce dead letter without the customer and replays it to the same refunded order', async () => {
    const wrong = await store('EUR', 'woocommerce');
    const dead = await deliver(wrong, 'order.updated', WOO_REFUNDED);
    expect(dead.body).toEqual({ outcome: 'dead', reason: 'the order is in USD but the store is set to EUR' });
    const { id, text } = await kept(wrong, dead.deliveryId);
    expect(WOO_REFUNDED).toMatch(EMAIL);
    for (const value of WOO_PERSONAL) expect(WOO_REFUNDED).toContain(value);
    for (const value of WOO_PERSONAL) expect(text, value).not.toContain(value);
    expect(text).not.toMatch(EMAIL);
    expect((await admin.patch(`/api/stores/${wrong.id}`, { currency: 'USD' })).status).toBe(200);
    expect((await admin.post(`/api/stores/${wrong.id}/dead-letters/${id}/replay`)).body).toEqual({ id, status: 'done', reason: null });
    const right = await store('USD', 'woocommerce');
    expect((await deliver(right, 'order.updated', WOO_REFUNDED)).body).toEqual({ outcome: 'stored' });
    const replayed = (await admin.get(`/api/stores/${wrong.id}/orders/609`)).body;
    expect(replayed).toEqual({ ...(await admin.get(`/api/stores/${right.id}/orders/609`)).body, storeId: wrong.id });
    expect(replayed).toMatchObject({ status: 'refunded', amount: { value: '0.00', currency: 'USD' }, country: 'US' });
  });

  it('keeps nothing of a body that is not JSON; its replay answers its reason again', async () => {
    const s = await store('USD');
    const dead = await deliver(s, 'orders/create', '{"email": "ann@example.com", "id": 1, ');
    expect(dead.status).toBe(202);
    const reason = dead.body.reason as string;
    expect(reason).toMatch(/^malformed JSON/);
    const { id, text } = await kept(s, dead.deliveryId);
    expect(text).toBeNull();
    expect((await admin.post(`/api/stores/${s.id}/dead-letters/${id}/replay`)).body).toEqual({ id, status: 'dead', reason });
  });

  it('strips the bodies kept before (migration 0017), leaving what replays', async () => {
    const s = await store('EUR');
    const account = (await t.db.selectFrom('stores').select('account_id').where('id', '=', s.id).executeTakeFirstOrThrow()).account_id;
    const insert = (deliveryId: string, raw: string) =>
      t.db
        .insertInto('deliveries')
        .values({
          account_id: account,
          store_id: s.id,
          delivery_id: deliveryId,
          topic: 'orders/create',
          facts: null,
          status: 'dead',
          reason: 'kept before',
          raw: Buffer.from(raw),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const whole = await insert('old-1', ORDER);
    await insert('old-2', '{"email": "ann@example.com", ');
    await stripKeptBodies(t.db as unknown as Kysely<unknown>);

    const { text } = await kept(s, 'old-1');
    for (const value of SHOPIFY_PERSONAL) expect(text, value).not.toContain(value);
    expect(text).toContain('"id":820982911946154500,');
    expect((await kept(s, 'old-2')).text).toBeNull();
    expect((await admin.patch(`/api/stores/${s.id}`, { currency: 'USD' })).status).toBe(200);
    expect((await admin.post(`/api/stores/${s.id}/dead-letters/${whole.id}/replay`)).body).toEqual({
      id: whole.id,
      status: 'done',
      reason: null,
    });
    expect((await admin.get(`/api/stores/${s.id}/orders/820982911946154508`)).body.status).toBe('canceled');
  });

  it('honours customers/redact, customers/data_request and shop/redact on the kept bodies of the store named', async () => {
    const s = await store('EUR');
    const other = await store('EUR');
    // Dead letters (the store is in EUR, the orders in USD): two of the orders the samples
    // name, a refund of another, and an order they do not name, whose id exceeds 2^53.
    const named = await deliver(s, 'orders/create', orderNumbered('299938'));
    const refund = await deliver(s, 'refunds/create', REFUND.replace('"order_id": 820982911946154500,', '"order_id": 280263,'));
    const notNamed = await deliver(s, 'orders/create', ORDER);
    const elsewhere = await deliver(other, 'orders/create', orderNumbered('299938'));
    for (const d of [named, refund, notNamed, elsewhere]) expect(d.status).toBe(202);

    const redact = await deliver(s, 'customers/redact', CUSTOMERS_REDACT, { id: 'redact-1' });
    expect([redact.status, redact.body]).toEqual([200, { outcome: 'stored' }]);
    expect((await kept(s, named.deliveryId)).text).toBeNull();
    expect((await kept(s, refund.deliveryId)).text).toBeNull();
    expect((await kept(s, notNamed.deliveryId)).text).toContain('820982911946154508');
    expect((await kept(other, elsewhere.deliveryId)).text).toContain('299938');
    // Shopify's resend of the same request is recorded once.
    expect((await deliver(s, 'customers/redact', CUSTOMERS_REDACT, { id: 'redact-1' })).body).toEqual({ outcome: 'duplicate' });
    // An erased body cannot be replayed: the dead letter keeps its reason.
    const erased = await kept(s, named.deliveryId);
    expect((await admin.post(`/api/stores/${s.id}/dead-letters/${erased.id}/replay`)).body).toEqual({
      id: erased.id,
      status: 'dead',
      reason: 'the order is in USD but the store is set to EUR',
    });

    expect((await deliver(s, 'customers/data_request', DATA_REQUEST)).body).toEqual({ outcome: 'stored' });
    expect((await kept(s, notNamed.deliveryId)).text).not.toBeNull();

    // Order ids are compared exactly: the rounded id names no kept order, the exact one does.
    expect((await deliver(s, 'customers/redact', '{"orders_to_redact":[820982911946154500]}')).status).toBe(200);
    expect((await kept(s, notNamed.deliveryId)).text).not.toBeNull();
    expect((await deliver(s, 'customers/redact', '{"orders_to_redact":[820982911946154508]}')).status).toBe(200);
    expect((await kept(s, notNamed.deliveryId)).text).toBeNull();

    const later = await deliver(s, 'orders/create', orderNumbered('5'));
    expect((await deliver(s, 'shop/redact', SHOP_REDACT)).body).toEqual({ outcome: 'stored' });
    expect((await kept(s, later.deliveryId)).text).toBeNull();
    expect((await kept(other, elsewhere.deliveryId)).text).not.toBeNull();

    expect(await privacyRequests(s)).toEqual([
      { topic: 'shop/redact', orders: 0, bodiesErased: 1 },
      { topic: 'customers/redact', orders: 1, bodiesErased: 1 },
      { topic: 'customers/redact', orders: 1, bodiesErased: 0 },
      { topic: 'customers/data_request', orders: 3, bodiesErased: 0 },
      { topic: 'customers/redact', orders: 3, bodiesErased: 2 },
    ]);
    expect(await privacyRequests(other)).toEqual([]);
    // The record names no customer: not the id, the e-mail or the phone of the requests.
    const rows = JSON.stringify(await t.db.selectFrom('privacy_requests').selectAll().execute());
    for (const value of ['191167', 'john@example.com', '555-625-1199', '9999']) expect(rows).not.toContain(value);
    // No privacy request became a delivery, let alone a dead letter.
    const topics = await t.db.selectFrom('deliveries').select('topic').where('store_id', '=', s.id).execute();
    expect(topics.map((d) => d.topic).sort()).toEqual(['orders/create', 'orders/create', 'orders/create', 'refunds/create']);
  });

  it('acknowledges and records a privacy request whatever its body, and refuses a wrong signature', async () => {
    const s = await store('USD');
    for (const [topic, body] of [
      ['customers/redact', 'not JSON'],
      ['customers/data_request', '{"orders_requested": "all"}'],
      ['customers/redact', '{"orders_to_redact": [-1, 1.5, "x", null, {"id": 3}, 7, "7"]}'],
      ['shop/redact', ''],
    ] as const) {
      expect([topic, (await deliver(s, topic, body)).body]).toEqual([topic, { outcome: 'stored' }]);
    }
    const forged = await deliver(s, 'shop/redact', SHOP_REDACT, { secret: 'not the secret' });
    expect([forged.status, forged.body.error.code]).toEqual([401, 'invalid_signature']);
    expect(await privacyRequests(s)).toEqual([
      { topic: 'shop/redact', orders: 0, bodiesErased: 0 },
      { topic: 'customers/redact', orders: 1, bodiesErased: 0 },
      { topic: 'customers/data_request', orders: 0, bodiesErased: 0 },
      { topic: 'customers/redact', orders: 0, bodiesErased: 0 },
    ]);
    expect(await t.db.selectFrom('deliveries').select('id').where('store_id', '=', s.id).execute()).toEqual([]);
    // A WooCommerce store has no such topic: acknowledged, nothing recorded.
    const woo = await store('USD', 'woocommerce');
    expect((await deliver(woo, 'customers/redact', CUSTOMERS_REDACT)).body).toEqual({ outcome: 'ignored' });
    expect(await privacyRequests(woo)).toEqual([]);
  });
});
