import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE, fixtureWith, num, WEBHOOK_BODY_LIMIT, type WebhookPlatform, webhookRequest } from '../support/fuzz-webhooks.ts';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// What the ledger cannot hold is refused at the edge (SPEC §8): a correctly signed delivery
// holding such a value is a dead letter (202) whose reason names the field, never a 500 and
// never a stored delivery that then fails on every apply. The bodies are the real fixtures
// with one field changed.

const SHOPIFY_ORDER = 'orders-create-docs-sample-cancelled-voided-2026-04.json';
const SHOPIFY_OLD_ORDER = 'order-rest-fixture-discount-code-TENOFF.json (order)';
const SHOPIFY_REFUND = 'refunds-create-docs-sample-partial-with-transactions-2026-04.json';
const WOO_ORDER = 'order-docs-v3-create-processing.json';
const WOO_REFUNDED = 'orders-docs-v3-list-…-with-refunds.json [1]';
// The docs sample is cancelled; paid, it makes an order with a conversion-worthy amount.
const PAID = { financial_status: 'paid', cancelled_at: null };
const ORDER_ID = '820982911946154508';

interface Store {
  id: string;
  secret: string;
}

describeDb('webhook edge: values the ledger cannot hold', () => {
  let t: TestApp;
  let admin: Client;
  const stores = {} as Record<WebhookPlatform, Store>;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await newAccount(t.app)).admin;
    for (const platform of ['shopify', 'woocommerce'] as const) {
      const res = await admin.post('/api/stores', { platform, name: platform, currency: 'USD' });
      stores[platform] = { id: res.body.id, secret: res.body.webhookSecret };
    }
  });
  afterAll(async () => t?.close());

  /** Sends a correctly signed delivery and waits until it is applied (or dead). */
  async function send(platform: WebhookPlatform, topic: string, body: string | Buffer) {
    const res = await t.app.inject(webhookRequest(stores[platform], { platform, topic, body: Buffer.from(body) }, `edge-${++seq}`));
    await t.settle();
    return { status: res.statusCode, body: res.statusCode === 413 ? null : res.json() };
  }
  const deadLetters = async (platform: WebhookPlatform) =>
    (await admin.get(`/api/stores/${stores[platform].id}/dead-letters`)).body.items as Array<{ topic: string; reason: string }>;
  const order = (platform: WebhookPlatform, externalId: string) => admin.get(`/api/stores/${stores[platform].id}/orders/${externalId}`);
  const failedToApply = async () =>
    t.db
      .selectFrom('deliveries')
      .select(['reason'])
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb('reason', 'like', 'could not be applied%')]))
      .execute();

  it('dead-letters a Shopify subtotal of 10^13 USD naming the field, stores no order, and applies a valid delivery after it', async () => {
    const reason = 'shopify order: subtotal_price_set is beyond 10^12 USD';
    const res = await send(
      'shopify',
      'orders/create',
      fixtureWith(SHOPIFY_ORDER, { ...PAID, 'subtotal_price_set.shop_money.amount': '10000000000000.00' }),
    );
    expect(res).toEqual({ status: 202, body: { outcome: 'dead', reason } });
    expect((await deadLetters('shopify'))[0]).toEqual({
      id: expect.any(String),
      receivedAt: expect.any(String),
      topic: 'orders/create',
      reason,
    });
    expect((await order('shopify', ORDER_ID)).status).toBe(404);

    expect(await send('shopify', 'orders/create', fixtureWith(SHOPIFY_ORDER, PAID))).toEqual({ status: 200, body: { outcome: 'stored' } });
    expect((await order('shopify', ORDER_ID)).body).toMatchObject({ status: 'paid', subtotal: { value: '404.95', currency: 'USD' } });
    expect(await failedToApply()).toEqual([]);
  });

  it('dead-letters a subtotal beyond what a bigint holds, which was kept and then failed on every apply', async () => {
    const res = await send(
      'shopify',
      'orders/updated',
      fixtureWith(SHOPIFY_ORDER, {
        ...PAID,
        updated_at: '2022-01-02T00:00:00Z',
        'subtotal_price_set.shop_money.amount': '100000000000000000.00',
      }),
    );
    expect(res).toEqual({ status: 202, body: { outcome: 'dead', reason: 'shopify order: subtotal_price_set is beyond 10^12 USD' } });
    expect((await order('shopify', ORDER_ID)).body).toMatchObject({ subtotal: { value: '404.95', currency: 'USD' } });
    expect(await failedToApply()).toEqual([]);
  });

  describe.each<[string, WebhookPlatform, string, () => string | Buffer, string]>([
    [
      'NUL in the Shopify order name',
      'shopify',
      'orders/create',
      () => fixtureWith(SHOPIFY_ORDER, { ...PAID, name: '#9999\u0000' }),
      'shopify order: name holds a control character (such as NUL), which cannot be kept',
    ],
    [
      'NUL in the Shopify currency',
      'shopify',
      'orders/create',
      () => fixtureWith(SHOPIFY_ORDER, { ...PAID, 'subtotal_price_set.shop_money.currency_code': 'USD\u0000' }),
      'shopify order: subtotal_price_set.shop_money.currency_code holds a control character (such as NUL), which cannot be kept',
    ],
    [
      'NUL in a Shopify currency of the older payloads',
      'shopify',
      'orders/paid',
      () => fixtureWith(SHOPIFY_OLD_ORDER, { currency: '\u0000' }),
      'shopify order: currency holds a control character (such as NUL), which cannot be kept',
    ],
    [
      'a lone surrogate in a Shopify discount code',
      'shopify',
      'orders/create',
      () => fixtureWith(SHOPIFY_OLD_ORDER, { 'discount_codes.0.code': 'TEN\ud800' }),
      'shopify order: discount_codes.0.code holds a lone surrogate (not valid Unicode), which cannot be kept',
    ],
    [
      'a Shopify order updated after 9999',
      'shopify',
      'orders/updated',
      () => fixtureWith(SHOPIFY_ORDER, { ...PAID, updated_at: '9999-12-31T23:59:59-05:00' }),
      'shopify order: updated_at is before 1970 or after 9999',
    ],
    [
      'a Shopify refund beyond 10^12',
      'shopify',
      'refunds/create',
      () => fixtureWith(SHOPIFY_REFUND, { 'refund_line_items.0.subtotal_set.shop_money.amount': '1000000000000.01' }),
      'shopify refund: refund_line_items.0.subtotal_set is beyond 10^12 USD',
    ],
    [
      'a Shopify refund whose lines add up beyond 10^12',
      'shopify',
      'refunds/create',
      () =>
        fixtureWith(SHOPIFY_REFUND, {
          'refund_line_items.0.subtotal_set.shop_money.amount': '600000000000.00',
          'refund_line_items.1.subtotal_set.shop_money.amount': '600000000000.00',
        }),
      'shopify refund: refund_line_items (their subtotals together) is beyond 10^12 USD',
    ],
    [
      'a Shopify refund of an order id of 21 digits',
      'shopify',
      'refunds/create',
      () => fixtureWith(SHOPIFY_REFUND, { order_id: num('1'.repeat(21)) }),
      'shopify refund: order_id has more than 20 digits',
    ],
    [
      'NUL in the WooCommerce order number',
      'woocommerce',
      'order.created',
      () => fixtureWith(WOO_ORDER, { number: '727\u0000' }),
      'woocommerce order: number holds a control character (such as NUL), which cannot be kept',
    ],
    [
      'NUL in the WooCommerce currency',
      'woocommerce',
      'order.created',
      () => fixtureWith(WOO_ORDER, { currency: 'US\u0000' }),
      'woocommerce order: currency holds a control character (such as NUL), which cannot be kept',
    ],
    [
      'WooCommerce line totals adding up beyond 10^12',
      'woocommerce',
      'order.updated',
      () =>
        fixtureWith(WOO_ORDER, {
          'line_items.0.total': '999999999999.00',
          'line_items.1.total': '999999999999.00',
        }),
      'woocommerce order: line_items (their totals together) is beyond 10^12 USD',
    ],
    [
      'a WooCommerce refund total beyond 10^12 (minus sign and all)',
      'woocommerce',
      'order.updated',
      () => fixtureWith(WOO_REFUNDED, { 'refunds.0.total': '-10000000000000.00' }),
      'woocommerce order: refunds.0.total is beyond 10^12 USD',
    ],
    [
      'a WooCommerce order created before 1970',
      'woocommerce',
      'order.created',
      () => fixtureWith(WOO_ORDER, { date_created_gmt: '1969-12-31T23:59:59' }),
      'woocommerce order: date_created_gmt is before 1970 or after 9999',
    ],
    [
      'a WooCommerce order.deleted of an id of 21 digits',
      'woocommerce',
      'order.deleted',
      () => `{"id":${'9'.repeat(21)}}`,
      'woocommerce order.deleted: id has more than 20 digits',
    ],
    [
      'a body of 1 MiB of [',
      'woocommerce',
      'order.created',
      () => '['.repeat(WEBHOOK_BODY_LIMIT),
      'malformed JSON: arrays and objects nested more than 128 deep',
    ],
    [
      'a raw NUL inside a string',
      'shopify',
      'orders/create',
      () => '{"name":"#1\u0000"}',
      "malformed JSON: Invalid character '\\u0000' at position 11",
    ],
    [
      'a NUL key repeated',
      'shopify',
      'orders/create',
      () => '{"\\u0000":1,"\\u0000":2}',
      "malformed JSON: Duplicate key '\\u0000' encountered at position 13",
    ],
  ])('%s', (_name, platform, topic, body, reason) => {
    it('is a dead letter naming the field', async () => {
      const before = (await deadLetters(platform)).length;
      expect(await send(platform, topic, body())).toEqual({ status: 202, body: { outcome: 'dead', reason } });
      const letters = await deadLetters(platform);
      expect([letters.length - before, letters[0]]).toEqual([1, { id: expect.any(String), receivedAt: expect.any(String), topic, reason }]);
      expect(await failedToApply()).toEqual([]);
    });
  });

  it('keeps what WooCommerce writes with a minus sign (refund totals), and the orders before any of the above', async () => {
    expect(await send('woocommerce', 'order.updated', fixtureWith(WOO_REFUNDED))).toEqual({ status: 200, body: { outcome: 'stored' } });
    expect((await order('woocommerce', '723')).body).toMatchObject({
      status: 'partially_refunded',
      refunded: { value: '19.00', currency: 'USD' },
    });
    expect((await order('woocommerce', '727')).status).toBe(404);
    expect(
      await send(
        'woocommerce',
        'order.created',
        fixtureWith(WOO_ORDER, { 'line_items.0.total': '999999999988.00', 'line_items.1.total': '12.00' }),
      ),
    ).toEqual({ status: 200, body: { outcome: 'stored' } });
    expect((await order('woocommerce', '727')).body).toMatchObject({ amount: { value: '1000000000000.00', currency: 'USD' } });
    expect(await failedToApply()).toEqual([]);
  });

  it('keeps a delivery whose id is too long for an index entry, and knows its resend', async () => {
    // 6000 random bytes in base64: no compression brings it under PostgreSQL's 2.7 kB entry.
    const id = randomBytes(6000).toString('base64');
    const body = Buffer.from(fixtureWith(SHOPIFY_ORDER, { ...PAID, admin_graphql_api_id: 'gid://shopify/Order/31' }));
    const deliver = () => t.app.inject(webhookRequest(stores.shopify, { platform: 'shopify', topic: 'orders/create', body }, id));
    expect([(await deliver()).statusCode, (await deliver()).json()]).toEqual([200, { outcome: 'duplicate' }]);
    await t.settle();
    expect((await order('shopify', '31')).body).toMatchObject({ status: 'paid' });
  });

  it('takes an empty delivery id for none: two different deliveries are not duplicates', async () => {
    const deliver = (externalId: string) =>
      t.app.inject(
        webhookRequest(
          stores.shopify,
          {
            platform: 'shopify',
            topic: 'orders/create',
            body: Buffer.from(fixtureWith(SHOPIFY_ORDER, { ...PAID, admin_graphql_api_id: `gid://shopify/Order/${externalId}` })),
          },
          '',
        ),
      );
    expect([(await deliver('41')).json(), (await deliver('42')).json(), (await deliver('42')).json()]).toEqual([
      { outcome: 'stored' },
      { outcome: 'stored' },
      { outcome: 'duplicate' },
    ]);
  });

  it('answers a body over 1 MiB 413 and keeps nothing of it', async () => {
    const body = fixtureWith(WOO_ORDER, { customer_note: 'x'.repeat(WEBHOOK_BODY_LIMIT) });
    expect(await send('woocommerce', 'order.created', body)).toEqual({ status: 413, body: null });
    expect(await send('woocommerce', 'order.deleted', fixtureWith('order.deleted {"id":727}', { id: DELETE }))).toEqual({
      status: 202,
      body: { outcome: 'dead', reason: 'woocommerce order.deleted: the body has no order id' },
    });
  });
});
