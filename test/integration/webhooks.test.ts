import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Store webhooks end to end: signed deliveries of the real Shopify and WooCommerce payloads and
// crafted sequences, with the exact statuses and amounts they must leave in the ledger.

const fixture = (path: string) => fs.readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
/** The webhook body inside a REST envelope ({"order": …}, {"refund": …}, {"data": …}); its ids are small. */
const unwrap = (path: string, key: string) => JSON.stringify(JSON.parse(fixture(path))[key]);
const sign = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('base64');

interface Store {
  id: string;
  secret: string;
}
let seq = 0;

describeDb('store webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function setup(currency: string, code?: string, platform: 'shopify' | 'woocommerce' = 'shopify') {
    const account = await newAccount(t.app);
    const admin = account.admin;
    const res = await admin.post('/api/stores', { platform, name: `${platform} ${currency}`, currency });
    const store: Store = { id: res.body.id, secret: res.body.webhookSecret };
    let campaignId = '';
    if (code) {
      const creator = await admin.post('/api/creators', { name: 'Creator' });
      const campaign = await admin.post('/api/campaigns', { name: 'Campaign', commission: { percent: '10' } });
      campaignId = campaign.body.id;
      await admin.post(`/api/campaigns/${campaignId}/members`, { creatorId: creator.body.id, codes: [code] });
    }
    return { admin, store, campaignId };
  }

  // Each delivery helper answers once the delivery is applied: the store's answer comes at
  // commit, the processor applies it right after.
  const settled = async <T>(reply: Promise<T>) => {
    const res = await reply;
    await t.settle();
    return res;
  };

  const shopify = (store: Store, topic: string, body: string, opts: { id?: string; signature?: string } = {}) =>
    settled(
      t.app.inject({
        method: 'POST',
        url: `/webhooks/shopify/${store.id}`,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': topic,
          'x-shopify-webhook-id': opts.id ?? `d-${++seq}`,
          'x-shopify-hmac-sha256': opts.signature ?? sign(store.secret, body),
        },
        payload: body,
      }),
    );

  const woo = (store: Store, topic: string, body: string, id = `w-${++seq}`) =>
    settled(
      t.app.inject({
        method: 'POST',
        url: `/webhooks/woocommerce/${store.id}`,
        headers: {
          'content-type': 'application/json',
          'x-wc-webhook-topic': topic,
          'x-wc-webhook-delivery-id': id,
          'x-wc-webhook-signature': sign(store.secret, body),
        },
        payload: body,
      }),
    );

  const order = async (admin: Client, store: Store, externalId: string) =>
    (await admin.get(`/api/stores/${store.id}/orders/${externalId}`)).body;
  const deliveries = async (store: Store) =>
    (await t.db.selectFrom('deliveries').select(['status']).where('store_id', '=', store.id).execute()).map((d) => d.status);

  it('applies the Shopify documentation orders (cancelled and voided) with their exact ids', async () => {
    const { admin, store } = await setup('USD');
    const res = await shopify(store, 'orders/create', fixture('shopify/orders-create-docs-sample-cancelled-voided-2026-04.json'));
    expect([res.statusCode, res.json()]).toEqual([200, { outcome: 'stored' }]);
    expect(await order(admin, store, '820982911946154508')).toMatchObject({
      number: '#9999',
      status: 'canceled',
      subtotal: { value: '404.95', currency: 'USD' },
      amount: { value: '0.00', currency: 'USD' },
      conversionId: null,
    });
    const older = await shopify(store, 'orders/updated', fixture('shopify/orders-create-docs-sample-2023-07.json'));
    expect(older.statusCode).toBe(200);
    expect((await order(admin, store, '820982911946154508')).status).toBe('canceled');
  });

  it('attributes the TENOFF order to its code, pending while only authorised', async () => {
    const { admin, store, campaignId } = await setup('USD', 'tenoff');
    const res = await shopify(store, 'orders/create', unwrap('shopify/order-rest-fixture-discount-code-TENOFF.json', 'order'));
    expect(res.statusCode).toBe(200);
    const o = await order(admin, store, '450789469');
    expect(o).toMatchObject({ number: '#1001', status: 'pending', amount: { value: '398.00', currency: 'USD' } });
    const c = (await admin.get(`/api/conversions/${o.conversionId}`)).body;
    expect(c).toMatchObject({ campaignId, via: { type: 'code', value: 'tenoff' }, status: 'pending', counted: false });
  });

  it('keeps a refunds/create whose order is not known yet, once by id', async () => {
    const { store } = await setup('USD');
    const body = fixture('shopify/refunds-create-docs-sample-partial-with-transactions-2026-04.json');
    expect((await shopify(store, 'refunds/create', body, { id: 'r-1' })).json()).toEqual({ outcome: 'stored' });
    expect((await shopify(store, 'refunds/create', body, { id: 'r-2' })).json()).toEqual({ outcome: 'stored' });
    const refunds = await t.db
      .selectFrom('refunds')
      .select(['refund_id', 'order_external_id', 'amount_minor'])
      .where('store_id', '=', store.id)
      .execute();
    expect(refunds).toEqual([{ refund_id: '890088186047892319', order_external_id: '820982911946154500', amount_minor: '41495' }]);
    // The older API version's sample: the same refund id, so it is not counted again.
    expect(
      (await shopify(store, 'refunds/create', fixture('shopify/refunds-create-docs-sample-no-transactions-2023-07.json'))).statusCode,
    ).toBe(200);
    const after = await t.db.selectFrom('refunds').select(['refund_id', 'amount_minor']).where('store_id', '=', store.id).execute();
    expect(after).toEqual([{ refund_id: '890088186047892319', amount_minor: '41495' }]);
  });

  it('dead-letters a refund it cannot value, and keeps its reason', async () => {
    const { admin, store } = await setup('USD');
    const res = await shopify(store, 'refunds/create', unwrap('shopify/refund-rest-fixture-partial-2-of-3-items.json', 'refund'));
    expect(res.statusCode).toBe(202);
    const dead = (await admin.get(`/api/stores/${store.id}/dead-letters`)).body.items;
    expect(dead).toEqual([
      {
        id: expect.any(String),
        receivedAt: expect.any(String),
        topic: 'refunds/create',
        reason: expect.stringContaining('has neither subtotal_set nor subtotal'),
      },
    ]);
    expect(await t.db.selectFrom('refunds').select('refund_id').where('store_id', '=', store.id).execute()).toEqual([]);
  });

  it('applies the WooCommerce documentation and app orders', async () => {
    const { admin, store } = await setup('USD', '30$off', 'woocommerce');
    expect((await woo(store, 'order.created', fixture('woocommerce/order-docs-v3-create-processing.json'))).statusCode).toBe(200);
    expect(await order(admin, store, '727')).toMatchObject({
      status: 'paid',
      amount: { value: '18.00', currency: 'USD' },
      updatedAt: '2017-03-22T19:28:08.000Z',
    });
    expect((await woo(store, 'order.updated', fixture('woocommerce/order-docs-v3-update-completed.json'))).statusCode).toBe(200);
    expect(await order(admin, store, '727')).toMatchObject({ status: 'paid', updatedAt: '2017-03-22T19:30:35.000Z' });

    const list = JSON.parse(fixture('woocommerce/orders-docs-v3-list-processing-and-completed-with-refunds.json'));
    expect((await woo(store, 'order.updated', JSON.stringify(list[1]))).statusCode).toBe(200);
    expect(await order(admin, store, '723')).toMatchObject({
      status: 'partially_refunded',
      subtotal: { value: '29.00', currency: 'USD' },
      refunded: { value: '19.00', currency: 'USD' },
      amount: { value: '10.00', currency: 'USD' },
    });

    expect(
      (await woo(store, 'order.created', unwrap('woocommerce/order-ios-fixture-coupon-lines-processing.json', 'data'))).statusCode,
    ).toBe(200);
    const coupon = await order(admin, store, '963');
    expect(coupon).toMatchObject({ status: 'paid', amount: { value: '30.00', currency: 'USD' }, conversionId: expect.any(String) });
    expect((await admin.get(`/api/conversions/${coupon.conversionId}`)).body.via).toEqual({ type: 'code', value: '30$off' });

    expect((await woo(store, 'order.created', unwrap('woocommerce/order-ios-fixture-fully-refunded.json', 'data'))).statusCode).toBe(200);
    expect(await order(admin, store, '609')).toMatchObject({ status: 'refunded', amount: { value: '0.00', currency: 'USD' } });

    // Deleting an order cancels it; deleting one never seen changes nothing.
    expect((await woo(store, 'order.deleted', '{"id":963}')).json()).toEqual({ outcome: 'stored' });
    expect(await order(admin, store, '963')).toMatchObject({ status: 'canceled', amount: { value: '0.00', currency: 'USD' } });
    expect((await admin.get(`/api/conversions/${coupon.conversionId}`)).body).toMatchObject({ status: 'canceled', counted: false });
    expect((await woo(store, 'order.deleted', '{"id":1}')).json()).toEqual({ outcome: 'stored' });
    expect((await admin.get(`/api/stores/${store.id}/orders/1`)).status).toBe(404);
  });

  // A Shopify order with an id beyond 2^53, written as raw JSON so no JS number touches it.
  const ORDER_ID = '5000000000000000123';
  function shopifyOrder(o: {
    updatedAt: string;
    status?: string;
    cancelledAt?: string | null;
    subtotal?: string;
    current?: string;
    refunds?: Array<{ id: string; lines: string[] }>;
  }): string {
    const money = (amount: string) => ({ shop_money: { amount, currency_code: 'EUR' } });
    const body = {
      id: '__ID__',
      admin_graphql_api_id: `gid://shopify/Order/${ORDER_ID}`,
      name: '#5001',
      created_at: '2026-03-06T10:00:00Z',
      updated_at: o.updatedAt,
      currency: 'EUR',
      financial_status: o.status ?? 'paid',
      cancelled_at: o.cancelledAt ?? null,
      subtotal_price_set: money(o.subtotal ?? '100.00'),
      current_subtotal_price_set: money(o.current ?? o.subtotal ?? '100.00'),
      discount_codes: [{ code: 'SUMMER' }],
      refunds: (o.refunds ?? []).map((r) => ({
        id: '__R__',
        admin_graphql_api_id: `gid://shopify/Refund/${r.id}`,
        refund_line_items: r.lines.map((amount) => ({ subtotal_set: money(amount) })),
      })),
    };
    return JSON.stringify(body).replace('"__ID__"', ORDER_ID).replaceAll('"__R__"', '1');
  }
  const refund = (id: string, lines: string[]) =>
    JSON.stringify({
      id: '__R__',
      admin_graphql_api_id: `gid://shopify/Refund/${id}`,
      order_id: '__ID__',
      created_at: '2026-03-07T10:00:00Z',
      refund_line_items: lines.map((amount) => ({ subtotal_set: { shop_money: { amount, currency_code: 'EUR' } } })),
    })
      .replace('"__R__"', id)
      .replace('"__ID__"', ORDER_ID);

  async function conversionOf(admin: Client, store: Store) {
    const o = await order(admin, store, ORDER_ID);
    const c = (await admin.get(`/api/conversions/${o.conversionId}`)).body;
    return { status: c.status, amount: c.amount.value, commission: c.commission?.value, counted: c.counted };
  }

  it('changes nothing on a duplicate delivery', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    const body = shopifyOrder({ updatedAt: '2026-03-06T10:00:00Z' });
    expect((await shopify(store, 'orders/create', body, { id: 'same' })).json()).toEqual({ outcome: 'stored' });
    expect((await shopify(store, 'orders/create', body, { id: 'same' })).json()).toEqual({ outcome: 'duplicate' });
    expect(await deliveries(store)).toEqual(['done']);
    expect(await conversionOf(admin, store)).toEqual({ status: 'paid', amount: '100.00', commission: '10.00', counted: true });
  });

  it('takes versions in any order: an older one never overwrites a newer one', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    await shopify(store, 'orders/paid', shopifyOrder({ updatedAt: '2026-03-06T11:00:00Z', status: 'paid' }));
    await shopify(store, 'orders/create', shopifyOrder({ updatedAt: '2026-03-06T10:00:00Z', status: 'pending' }));
    expect(await conversionOf(admin, store)).toEqual({ status: 'paid', amount: '100.00', commission: '10.00', counted: true });
  });

  it('counts a refund once by id, before or after the order, and through cancel and stale updates', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    const bigRefund = '6000000000000000001';
    // The refund arrives before the order.
    expect((await shopify(store, 'refunds/create', refund(bigRefund, ['30.00']))).statusCode).toBe(200);
    await shopify(store, 'orders/create', shopifyOrder({ updatedAt: '2026-03-06T10:00:00Z' }));
    expect(await conversionOf(admin, store)).toEqual({ status: 'partially_refunded', amount: '70.00', commission: '7.00', counted: true });

    // The order update that reflects the same refund: still counted once.
    await shopify(
      store,
      'orders/updated',
      shopifyOrder({
        updatedAt: '2026-03-07T10:00:00Z',
        status: 'partially_refunded',
        current: '70.00',
        refunds: [{ id: bigRefund, lines: ['30.00'] }],
      }),
    );
    expect(await conversionOf(admin, store)).toEqual({ status: 'partially_refunded', amount: '70.00', commission: '7.00', counted: true });

    // A second refund, on its own; shipping never reduces the value (no line subtotal).
    await shopify(store, 'refunds/create', refund('6000000000000000002', ['20.00']));
    expect(await conversionOf(admin, store)).toEqual({ status: 'partially_refunded', amount: '50.00', commission: '5.00', counted: true });

    // Cancelled after the partial refunds.
    await shopify(
      store,
      'orders/cancelled',
      shopifyOrder({
        updatedAt: '2026-03-08T10:00:00Z',
        status: 'partially_refunded',
        cancelledAt: '2026-03-08T10:00:00Z',
        current: '50.00',
      }),
    );
    expect(await conversionOf(admin, store)).toEqual({ status: 'canceled', amount: '0.00', commission: '0.00', counted: false });

    // A stale update from before the cancellation changes nothing.
    await shopify(store, 'orders/updated', shopifyOrder({ updatedAt: '2026-03-07T12:00:00Z', status: 'paid' }));
    expect(await conversionOf(admin, store)).toEqual({ status: 'canceled', amount: '0.00', commission: '0.00', counted: false });
    expect(await deliveries(store)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
  });

  it('makes an order refunded when its refunds cover the whole value', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    await shopify(store, 'orders/create', shopifyOrder({ updatedAt: '2026-03-06T10:00:00Z' }));
    await shopify(store, 'refunds/create', refund('7000000000000000001', ['60.00', '40.00']));
    expect(await conversionOf(admin, store)).toEqual({ status: 'refunded', amount: '0.00', commission: '0.00', counted: false });
  });

  it('applies concurrent deliveries of one order one at a time', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    const bodies = Array.from({ length: 10 }, (_, i) =>
      shopifyOrder({ updatedAt: `2026-03-06T10:${String(i).padStart(2, '0')}:00Z`, subtotal: `${100 + i}.00` }),
    );
    const replies = await Promise.all(bodies.map((b) => shopify(store, 'orders/updated', b)));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(await conversionOf(admin, store)).toEqual({ status: 'paid', amount: '109.00', commission: '10.90', counted: true });
    const conversions = await t.db.selectFrom('conversions').select('id').where('store_id', '=', store.id).execute();
    expect(conversions).toHaveLength(1);
  });

  it('applies versions of one order sent concurrently to two servers, one at a time', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    const other = await t.second();
    const bodies = Array.from({ length: 12 }, (_, i) =>
      shopifyOrder({ updatedAt: `2026-03-06T11:${String(i).padStart(2, '0')}:00Z`, subtotal: `${200 + i}.00` }),
    );
    const replies = await Promise.all(
      bodies.map((body, i) =>
        (i % 2 === 0 ? t.app : other).inject({
          method: 'POST',
          url: `/webhooks/shopify/${store.id}`,
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'orders/updated',
            'x-shopify-webhook-id': `two-${i}`,
            'x-shopify-hmac-sha256': sign(store.secret, body),
          },
          payload: body,
        }),
      ),
    );
    expect(replies.map((r) => [r.statusCode, r.json().outcome])).toEqual(Array(12).fill([200, 'stored']));
    await t.settle();
    expect(await conversionOf(admin, store)).toEqual({ status: 'paid', amount: '211.00', commission: '21.10', counted: true });
    expect(await deliveries(store)).toEqual(Array(12).fill('done'));
    expect(await t.db.selectFrom('conversions').select('id').where('store_id', '=', store.id).execute()).toHaveLength(1);
  });

  it('answers one of two concurrent resends stored and the other duplicate', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    const body = shopifyOrder({ updatedAt: '2026-03-06T10:00:00Z' });
    const replies = await Promise.all([1, 2, 3].map(() => shopify(store, 'orders/create', body, { id: 'twice' })));
    expect(replies.map((r) => r.json().outcome).sort()).toEqual(['duplicate', 'duplicate', 'stored']);
    expect(await deliveries(store)).toEqual(['done']);
    expect(await conversionOf(admin, store)).toEqual({ status: 'paid', amount: '100.00', commission: '10.00', counted: true });
  });

  it('applies the rest of a batch when one delivery in it cannot be applied', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    const account = (await t.db.selectFrom('stores').select('account_id').where('id', '=', store.id).executeTakeFirstOrThrow()).account_id;
    const good = (externalId: string) => ({
      kind: 'order',
      order: {
        externalId,
        number: `#${externalId}`,
        createdAt: '2026-03-06T10:00:00.000Z',
        updatedAt: '2026-03-06T10:00:00.000Z',
        currency: 'EUR',
        base: 'paid',
        grossMinor: '5000',
        currentMinor: '5000',
        refunds: [],
        codes: ['SUMMER'],
        ref: null,
        country: null,
      },
    });
    // Stored together, so the processor claims them in one batch; the middle one's facts are broken.
    await t.db
      .insertInto('deliveries')
      .values([
        {
          account_id: account,
          store_id: store.id,
          delivery_id: 'batch-1',
          topic: 'orders/create',
          facts: JSON.stringify(good('71')),
          status: 'pending',
        },
        {
          account_id: account,
          store_id: store.id,
          delivery_id: 'batch-2',
          topic: 'orders/create',
          facts: JSON.stringify({ kind: 'order', order: { externalId: '72' } }),
          status: 'pending',
        },
        {
          account_id: account,
          store_id: store.id,
          delivery_id: 'batch-3',
          topic: 'orders/create',
          facts: JSON.stringify(good('73')),
          status: 'pending',
        },
      ])
      .execute();
    await t.settle();
    const rows = await t.db
      .selectFrom('deliveries')
      .select(['delivery_id', 'status', 'reason'])
      .where('store_id', '=', store.id)
      .orderBy('delivery_id')
      .execute();
    expect(rows.map((r) => [r.delivery_id, r.status])).toEqual([
      ['batch-1', 'done'],
      ['batch-2', 'dead'],
      ['batch-3', 'done'],
    ]);
    expect(rows[1]!.reason).toMatch(/^could not be applied: /);
    for (const id of ['71', '73'])
      expect(await order(admin, store, id)).toMatchObject({
        status: 'paid',
        amount: { value: '50.00', currency: 'EUR' },
        conversionId: expect.any(String),
      });
    expect((await admin.get(`/api/stores/${store.id}/orders/72`)).status).toBe(404);
  });

  it('applies a batch of mixed deliveries of several orders in one transaction, as one at a time would', async () => {
    const { admin, store } = await setup('EUR', 'summer');
    const account = (await t.db.selectFrom('stores').select('account_id').where('id', '=', store.id).executeTakeFirstOrThrow()).account_id;
    const version = (
      externalId: string,
      updatedAt: string,
      o: { base?: string; gross?: string; current?: string; refunds?: Array<[string, string]>; codes?: string[] } = {},
    ) => ({
      kind: 'order',
      order: {
        externalId,
        number: `#${externalId}`,
        createdAt: '2026-03-06T09:00:00.000Z',
        updatedAt,
        currency: 'EUR',
        base: o.base ?? 'paid',
        grossMinor: o.gross ?? '10000',
        currentMinor: o.current ?? null,
        refunds: (o.refunds ?? []).map(([id, amountMinor]) => ({ id, amountMinor })),
        codes: o.codes ?? ['SUMMER'],
        ref: null,
        country: null,
      },
    });
    const refundOf = (orderExternalId: string, id: string, amountMinor: string) => ({
      kind: 'refund',
      orderExternalId,
      refund: { id, amountMinor },
    });
    // E and F are known before the batch, with their conversions.
    await t.db
      .insertInto('deliveries')
      .values([
        {
          account_id: account,
          store_id: store.id,
          delivery_id: 'mix-0',
          topic: 'orders/create',
          facts: JSON.stringify(version('E', '2026-03-06T10:00:00.000Z')),
          status: 'pending',
        },
        {
          account_id: account,
          store_id: store.id,
          delivery_id: 'mix-00',
          topic: 'orders/create',
          facts: JSON.stringify(version('F', '2026-03-06T12:00:00.000Z')),
          status: 'pending',
        },
      ])
      .execute();
    await t.settle();
    const facts = [
      refundOf('A', 'RA', '3000'), // before its order
      version('A', '2026-03-06T10:00:00.000Z'),
      version('A', '2026-03-06T11:00:00.000Z', { base: 'partially_refunded', current: '7000', refunds: [['RA', '3000']] }),
      version('A', '2026-03-06T09:30:00.000Z', { base: 'pending' }), // stale
      version('B', '2026-03-06T10:00:00.000Z', { gross: '5000' }),
      { kind: 'order_deleted', externalId: 'B' },
      version('C', '2026-03-06T10:00:00.000Z', { codes: ['NOBODY'] }),
      version('D', '2026-03-06T10:00:00.000Z'),
      refundOf('D', 'RD', '2000'),
      refundOf('D', 'RD', '2500'), // the same refund id again: the first amount counts
      refundOf('E', 'RE', '10000'),
      version('F', '2026-03-06T11:00:00.000Z', { gross: '20000' }), // older than the stored version
      { kind: 'order_deleted', externalId: 'Z' }, // never known
    ];
    await t.db
      .insertInto('deliveries')
      .values(
        facts.map((f, i) => ({
          account_id: account,
          store_id: store.id,
          delivery_id: `mix-${i + 1}`,
          topic: 'orders/updated',
          facts: JSON.stringify(f),
          status: 'pending' as const,
        })),
      )
      .execute();
    await t.settle();

    const rows = await t.db
      .selectFrom('deliveries')
      .select(['status', 'processed_at'])
      .where('store_id', '=', store.id)
      .where('delivery_id', 'not in', ['mix-0', 'mix-00'])
      .execute();
    expect(rows.map((r) => r.status)).toEqual(Array(facts.length).fill('done'));
    // One transaction applied them all (one by one, each would have its own).
    expect(new Set(rows.map((r) => r.processed_at!.getTime())).size).toBe(1);

    const view = async (id: string) => {
      const o = await order(admin, store, id);
      const c = o.conversionId ? (await admin.get(`/api/conversions/${o.conversionId}`)).body : null;
      return {
        status: o.status,
        amount: o.amount.value,
        conversion: c && { status: c.status, amount: c.amount.value, commission: c.commission?.value, counted: c.counted },
      };
    };
    expect(await view('A')).toEqual({
      status: 'partially_refunded',
      amount: '70.00',
      conversion: { status: 'partially_refunded', amount: '70.00', commission: '7.00', counted: true },
    });
    expect(await view('B')).toEqual({
      status: 'canceled',
      amount: '0.00',
      conversion: { status: 'canceled', amount: '0.00', commission: '0.00', counted: false },
    });
    expect(await view('C')).toEqual({ status: 'paid', amount: '100.00', conversion: null });
    expect(await view('D')).toEqual({
      status: 'partially_refunded',
      amount: '80.00',
      conversion: { status: 'partially_refunded', amount: '80.00', commission: '8.00', counted: true },
    });
    expect(await view('E')).toEqual({
      status: 'refunded',
      amount: '0.00',
      conversion: { status: 'refunded', amount: '0.00', commission: '0.00', counted: false },
    });
    expect(await view('F')).toEqual({
      status: 'paid',
      amount: '100.00',
      conversion: { status: 'paid', amount: '100.00', commission: '10.00', counted: true },
    });
    expect((await admin.get(`/api/stores/${store.id}/orders/Z`)).status).toBe(404);
    const refunds = await t.db
      .selectFrom('refunds')
      .select(['refund_id', 'order_external_id', 'amount_minor'])
      .where('store_id', '=', store.id)
      .orderBy('refund_id')
      .execute();
    expect(refunds).toEqual([
      { refund_id: 'RA', order_external_id: 'A', amount_minor: '3000' },
      { refund_id: 'RD', order_external_id: 'D', amount_minor: '2000' },
      { refund_id: 'RE', order_external_id: 'E', amount_minor: '10000' },
    ]);
    expect(await t.db.selectFrom('conversions').select('id').where('store_id', '=', store.id).execute()).toHaveLength(5);
  });

  it('answers bad signatures 401 and stores nothing', async () => {
    const { admin, store } = await setup('EUR');
    const body = shopifyOrder({ updatedAt: '2026-03-06T10:00:00Z' });
    expect((await shopify(store, 'orders/create', body, { signature: sign('wrong secret', body) })).statusCode).toBe(401);
    const missing = await t.app.inject({
      method: 'POST',
      url: `/webhooks/shopify/${store.id}`,
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
      payload: body,
    });
    expect([missing.statusCode, missing.json().error.code]).toEqual([401, 'invalid_signature']);
    expect(await deliveries(store)).toEqual([]);
    // A secret pasted from Shopify's admin replaces the one Tally made.
    const pasted = 'shpss_0123456789abcdef0123456789abcdef';
    expect((await admin.patch(`/api/stores/${store.id}`, { webhookSecret: pasted })).status).toBe(200);
    expect((await shopify(store, 'orders/create', body)).statusCode).toBe(401);
    expect((await shopify({ ...store, secret: pasted }, 'orders/create', body)).json()).toEqual({ outcome: 'stored' });
  });

  it('answers 413 over 1 MiB, 404 for an unknown store, and acknowledges other topics and the WooCommerce ping', async () => {
    const { store } = await setup('EUR');
    const huge = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    expect((await shopify(store, 'orders/create', huge)).statusCode).toBe(413);
    expect((await shopify({ id: '999999999', secret: 'x' }, 'orders/create', '{}')).statusCode).toBe(404);
    expect((await shopify(store, 'products/update', '{"id":1}')).json()).toEqual({ outcome: 'ignored' });
    // A privacy request is honoured and recorded apart (privacy.test.ts), never kept as a delivery.
    expect((await shopify(store, 'customers/redact', '{"shop_id":1,"customer":{"id":2}}')).json()).toEqual({ outcome: 'stored' });
    expect(await deliveries(store)).toEqual([]);

    const wooStore = (await setup('USD', undefined, 'woocommerce')).store;
    const ping = await t.app.inject({
      method: 'POST',
      url: `/webhooks/woocommerce/${wooStore.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'webhook_id=15',
    });
    expect(ping.statusCode).toBe(200);
    // A Shopify store does not take WooCommerce deliveries.
    expect((await woo(store, 'order.created', '{}')).statusCode).toBe(404);
  });

  it('keeps unprocessable deliveries as dead letters and replays one once its cause is fixed', async () => {
    const { admin, store } = await setup('USD', 'summer');
    const malformed = await shopify(store, 'orders/create', '{"id": 1, ');
    expect(malformed.statusCode).toBe(202);
    expect(malformed.json().reason).toMatch(/^malformed JSON/);
    // An EUR order reaching a store set up in USD: the store's currency is wrong.
    const euro = await shopify(store, 'orders/create', shopifyOrder({ updatedAt: '2026-03-06T10:00:00Z' }));
    expect(euro.json()).toEqual({ outcome: 'dead', reason: 'the order is in EUR but the store is set to USD' });
    expect((await admin.get(`/api/stores/${store.id}/orders/${ORDER_ID}`)).status).toBe(404);

    const dead = (await admin.get(`/api/stores/${store.id}/dead-letters`)).body.items;
    expect(dead.map((d: { topic: string }) => d.topic)).toEqual(['orders/create', 'orders/create']);
    const [euroLetter, malformedLetter] = dead;
    const still = await admin.post(`/api/stores/${store.id}/dead-letters/${euroLetter.id}/replay`);
    expect(still.body).toEqual({ id: euroLetter.id, status: 'dead', reason: 'the order is in EUR but the store is set to USD' });

    expect((await admin.patch(`/api/stores/${store.id}`, { currency: 'EUR' })).body.currency).toBe('EUR');
    const replayed = await admin.post(`/api/stores/${store.id}/dead-letters/${euroLetter.id}/replay`);
    expect(replayed.body).toEqual({ id: euroLetter.id, status: 'done', reason: null });
    expect(await conversionOf(admin, store)).toEqual({ status: 'paid', amount: '100.00', commission: '10.00', counted: true });
    expect((await admin.get(`/api/stores/${store.id}/dead-letters`)).body.items.map((d: { id: string }) => d.id)).toEqual([
      malformedLetter.id,
    ]);
    expect((await admin.post(`/api/stores/${store.id}/dead-letters/${euroLetter.id}/replay`)).status).toBe(404);
  });

  it('names a currency holding a lone surrogate in its reason, and keeps a delivery id with quotes and backslashes as sent', async () => {
    const { admin, store } = await setup('USD');
    const body =
      '{"id":1,"name":"#1","created_at":"2026-03-06T10:00:00Z","updated_at":"2026-03-06T10:00:00Z","currency":"\\ud800X","subtotal_price":"1.00"}';
    const id = 'odd "id" \\ with \\" quotes';
    const [first, second] = await Promise.all([
      shopify(store, 'orders/create', body, { id }),
      shopify(store, 'orders/create', body, { id: `${id}-2` }),
    ]);
    const reason = 'shopify order: currency holds a lone surrogate (not valid Unicode), which cannot be kept';
    expect(first.json()).toEqual({ outcome: 'dead', reason });
    expect(second.json()).toEqual({ outcome: 'dead', reason });
    expect((await shopify(store, 'orders/create', body, { id })).json()).toEqual({ outcome: 'duplicate' });
    const dead = (await admin.get(`/api/stores/${store.id}/dead-letters`)).body.items;
    expect(dead.map((d: { reason: string }) => d.reason)).toEqual([reason, reason]);
  });
});
