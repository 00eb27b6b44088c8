import { afterAll, beforeAll, expect, it } from 'vitest';
import { rebuildLedger } from '../../src/app/ledger/rebuild-ledger.ts';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';
import { type ShopifyVersion, type SignedStore, sendShopify, shopifyOrderBody, shopifyRefundBody } from '../support/store-deliveries.ts';

// `tally rebuild`: an account's kept deliveries (webhooks, custom-store PUTs, backfills) and its
// reviews replayed into a fresh ledger, compared with the live one to the cent, and repaired.

describeDb('rebuilding a ledger from its kept deliveries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function brand() {
    const account = await newAccount(t.app, { defaultCurrency: 'EUR' });
    const { admin } = account;
    const shop = (await admin.post('/api/stores', { platform: 'shopify', name: 'US', currency: 'USD' })).body;
    const store: SignedStore = { id: shop.id, secret: shop.webhookSecret, currency: 'USD' };
    const custom = (await admin.post('/api/stores', { platform: 'custom', name: 'Web', currency: 'EUR' })).body.id as string;
    const mia = (await admin.post('/api/creators', { name: 'Mia' })).body.id as string;
    const campaign = (
      await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '10', fixed: { value: '1.00', currency: 'EUR' } } })
    ).body.id as string;
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: mia, codes: ['MIA10'] });
    return { ...account, store, custom, mia, campaign };
  }

  const version = (over: Partial<ShopifyVersion>): ShopifyVersion => ({
    orderId: '5000000000000000001',
    number: '#1001',
    createdAt: '2026-03-06T10:00:00Z',
    updatedAt: '2026-03-06T10:00:00Z',
    financialStatus: 'paid',
    subtotal: '115.61',
    current: '115.61',
    codes: ['MIA10'],
    refunds: [],
    ...over,
  });

  async function history(b: Awaited<ReturnType<typeof brand>>) {
    const { admin, store } = b;
    // A refund before its order, the order, a later version with a second refund, a stale version.
    expect(
      await sendShopify(t.app, store, 'refunds/create', shopifyRefundBody(store, '5000000000000000001', { id: '9001', lines: ['15.61'] })),
    ).toBe(200);
    expect(await sendShopify(t.app, store, 'orders/create', shopifyOrderBody(store, version({})))).toBe(200);
    const later = version({
      updatedAt: '2026-03-08T00:00:00Z',
      financialStatus: 'partially_refunded',
      current: '90.00',
      refunds: [{ id: '9002', lines: ['10.00'] }],
    });
    expect(await sendShopify(t.app, store, 'orders/updated', shopifyOrderBody(store, later))).toBe(200);
    expect(await sendShopify(t.app, store, 'orders/updated', shopifyOrderBody(store, version({ updatedAt: '2026-03-07T00:00:00Z' })))).toBe(
      200,
    );
    // A second order, canceled; a third, unattributed until a backfill.
    expect(
      await sendShopify(
        t.app,
        store,
        'orders/create',
        shopifyOrderBody(store, version({ orderId: '5000000000000000002', number: '#1002', codes: ['mia10 '] })),
      ),
    ).toBe(200);
    const canceled = version({
      orderId: '5000000000000000002',
      number: '#1002',
      updatedAt: '2026-03-09T00:00:00Z',
      cancelledAt: '2026-03-09T00:00:00Z',
      codes: ['mia10 '],
    });
    expect(await sendShopify(t.app, store, 'orders/cancelled', shopifyOrderBody(store, canceled))).toBe(200);
    expect(
      await sendShopify(
        t.app,
        store,
        'orders/create',
        shopifyOrderBody(store, version({ orderId: '5000000000000000003', number: '#1003', codes: ['LATER'] })),
      ),
    ).toBe(200);
    await t.settle();
    // Custom-store orders, one in a currency with no rate until one is added.
    expect(
      (
        await admin.put(`/api/stores/${b.custom}/orders/C-1`, {
          number: 'C-1',
          createdAt: '2026-03-10T09:00:00Z',
          updatedAt: '2026-03-10T09:00:00Z',
          currency: 'EUR',
          subtotal: '40.00',
          status: 'paid',
          codes: ['MIA10'],
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin.put(`/api/stores/${b.custom}/orders/C-1`, {
          number: 'C-1',
          createdAt: '2026-03-10T09:00:00Z',
          updatedAt: '2026-03-11T09:00:00Z',
          currency: 'EUR',
          subtotal: '40.00',
          refunded: '5.00',
          status: 'paid',
          codes: ['MIA10'],
        })
      ).status,
    ).toBe(200);
    // The code added later, and a backfill; then a reject, an undo and a reject again.
    await admin.post(`/api/campaigns/${b.campaign}/members/${b.mia}/codes`, { code: 'LATER' });
    expect((await admin.post(`/api/campaigns/${b.campaign}/backfill`, { from: '2026-03-01', to: '2026-03-31' })).body).toMatchObject({
      attributed: 1,
    });
    const c1 = (await admin.get(`/api/stores/${b.custom}/orders/C-1`)).body.conversionId as string;
    expect((await admin.post(`/api/conversions/${c1}/reject`, { reason: 'self-purchase' })).status).toBe(200);
    expect((await admin.post(`/api/conversions/${c1}/approve`)).status).toBe(200);
    expect((await admin.post(`/api/conversions/${c1}/reject`, {})).status).toBe(200);
  }

  it('gives the same orders, refunds, conversions, approvals, figures and rollups to the cent, and changes nothing', async () => {
    const b = await brand();
    await history(b);
    const before = (await b.admin.get('/api/dashboard')).body;
    expect(before).toMatchObject({ totalSales: { value: '177.85', currency: 'EUR' }, orders: 2 });

    const result = await rebuildLedger(t.db, b.accountId, { check: true });
    expect(result.differences).toEqual([]);
    // 7 webhooks, 2 PUTs, 1 backfill; 3 reviews.
    expect({ deliveries: result.deliveries, reviews: result.reviews, repaired: result.repaired }).toEqual({
      deliveries: 10,
      reviews: 3,
      repaired: false,
    });
    expect((await b.admin.get('/api/dashboard')).body).toEqual(before);
  });

  it('names each difference of a damaged ledger, and repairs it without touching another account', async () => {
    const b = await brand();
    await history(b);
    const other = await brand();
    await history(other);
    const before = (await b.admin.get('/api/dashboard')).body;
    const otherBefore = (await other.admin.get('/api/dashboard')).body;

    // Damage: a conversion's commission, a refund lost, an order's status, a rollup's sum.
    const order = await t.db
      .selectFrom('orders')
      .select(['id', 'external_id'])
      .where('account_id', '=', b.accountId)
      .where('external_id', '=', '5000000000000000001')
      .executeTakeFirstOrThrow();
    await t.db
      .updateTable('conversions')
      .set({ commission_minor: '1' })
      .where('account_id', '=', b.accountId)
      .where('order_id', '=', order.id)
      .execute();
    await t.db.deleteFrom('refunds').where('account_id', '=', b.accountId).where('refund_id', '=', '9002').execute();
    await t.db
      .updateTable('orders')
      .set({ status: 'paid' })
      .where('account_id', '=', b.accountId)
      .where('external_id', '=', '5000000000000000002')
      .execute();

    const checked = await rebuildLedger(t.db, b.accountId, { check: true });
    const lines = checked.differences.map((d) => `${d.table} | ${d.key} | ${d.column} | ${d.live} | ${d.rebuilt}`);
    // The commission of order #1001 (7.78 + 1.00 EUR) became 0.01: every rollup of its day, week,
    // month, quarter and year summed 8.77 less.
    const rollup = (table: string, key: string) => `${table} | ${key} | commission | 1101 | 1978`;
    const member = `campaign_id ${b.campaign}, creator_id ${b.mia}`;
    expect(lines).toEqual([
      `orders | store ${b.store.id}, order 5000000000000000002 | status | paid | canceled`,
      `refunds | store ${b.store.id}, refund 9002 | (row) | null | present`,
      `conversions | the conversion of store ${b.store.id}, order 5000000000000000001 | commission_minor | 1 | 878`,
      rollup('rollup_member_days', `day 2026-03-06, ${member}`),
      rollup('rollup_member_months', `month 2026-03-01, ${member}`),
      rollup('rollup_member_years', `year 2026-01-01, ${member}`),
      rollup('rollup_campaign_days', `day 2026-03-06, campaign_id ${b.campaign}`),
      rollup('rollup_campaign_months', `month 2026-03-01, campaign_id ${b.campaign}`),
      rollup('rollup_campaign_hours', `hour 2026-03-06 10:00:00+00, campaign_id ${b.campaign}`),
      rollup('rollup_account_days', 'day 2026-03-06'),
      rollup('rollup_creator_days', `day 2026-03-06, creator_id ${b.mia}`),
      rollup('rollup_creator_weeks', `week 2026-03-02, creator_id ${b.mia}`),
      rollup('rollup_creator_months', `month 2026-03-01, creator_id ${b.mia}`),
      rollup('rollup_creator_quarters', `quarter 2026-01-01, creator_id ${b.mia}`),
      rollup('rollup_creator_years', `year 2026-01-01, creator_id ${b.mia}`),
    ]);
    expect(checked.repaired).toBe(false);
    expect((await rebuildLedger(t.db, b.accountId, { check: true })).differences).toHaveLength(checked.differences.length);

    const repaired = await rebuildLedger(t.db, b.accountId, { check: false });
    expect(repaired.repaired).toBe(true);
    expect((await rebuildLedger(t.db, b.accountId, { check: true })).differences).toEqual([]);
    expect((await b.admin.get('/api/dashboard')).body).toEqual(before);
    expect((await other.admin.get('/api/dashboard')).body).toEqual(otherBefore);
    expect((await rebuildLedger(t.db, other.accountId, { check: true })).differences).toEqual([]);
  });
});
