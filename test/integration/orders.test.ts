import fs from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// The custom-store orders API and the ingestion path behind it. Rates are the ECB's real ones:
// 2026-03-06 (a Friday): USD 1.1561, JPY 182.57 per EUR; nothing is published on 2026-03-07/08.

async function campaignWithCode(admin: Client, commission: object, code: string) {
  const creator = await admin.post('/api/creators', { name: `Creator ${code}` });
  const campaign = await admin.post('/api/campaigns', { name: `Campaign ${code}`, commission });
  const member = await admin.post(`/api/campaigns/${campaign.body.id}/members`, { creatorId: creator.body.id, codes: [code] });
  expect(member.status).toBe(201);
  return { creatorId: creator.body.id as string, campaignId: campaign.body.id as string };
}

async function customStore(admin: Client, currency: string) {
  const res = await admin.post('/api/stores', { platform: 'custom', name: `Shop ${currency}`, currency });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const order = (over: Record<string, unknown> = {}) => ({
  number: '#1001',
  createdAt: '2026-03-06T10:00:00Z',
  updatedAt: '2026-03-06T10:00:00Z',
  currency: 'EUR',
  subtotal: '100.00',
  status: 'paid',
  ...over,
});

describeDb('orders API and ingestion', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('creates a store with its webhook URL and secret', async () => {
    const { admin, as } = await newAccount(t.app);
    const res = await admin.post('/api/stores', { platform: 'shopify', name: 'Main shop', currency: 'USD', domain: 'main.myshopify.com' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      platform: 'shopify',
      name: 'Main shop',
      currency: 'USD',
      domain: 'main.myshopify.com',
      webhookUrl: `http://tally.test/webhooks/shopify/${res.body.id}`,
      webhookSecret: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      createdAt: expect.any(String),
    });
    const viewer = await as('viewer');
    const seen = await viewer.get(`/api/stores/${res.body.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.webhookSecret).toBeNull();
    expect((await admin.post('/api/stores', { platform: 'shopify', name: 'X', currency: 'ABC' })).status).toBe(422);
    expect((await admin.post('/api/stores', { platform: 'magento', name: 'X', currency: 'EUR' })).status).toBe(400);
  });

  it('stores an unattributed order and answers the same on a repeat', async () => {
    const { admin } = await newAccount(t.app);
    const store = await customStore(admin, 'EUR');
    const first = await admin.put(`/api/stores/${store}/orders/A-1`, order({ codes: ['NOBODY'] }));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      storeId: store,
      externalId: 'A-1',
      number: '#1001',
      createdAt: '2026-03-06T10:00:00.000Z',
      updatedAt: '2026-03-06T10:00:00.000Z',
      status: 'paid',
      subtotal: { value: '100.00', currency: 'EUR' },
      refunded: { value: '0.00', currency: 'EUR' },
      amount: { value: '100.00', currency: 'EUR' },
      codes: ['NOBODY'],
      ref: null,
      country: null,
      conversionId: null,
      applied: true,
    });
    const again = await admin.put(`/api/stores/${store}/orders/A-1`, order({ codes: ['NOBODY'] }));
    expect(again.body).toEqual(first.body);
    const count = await t.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('store_id', '=', store)
      .executeTakeFirstOrThrow();
    expect(count.n).toBe('1');
  });

  it('attributes by code, trimmed and in any case, and follows the order through its statuses', async () => {
    const { admin } = await newAccount(t.app);
    const { campaignId, creatorId } = await campaignWithCode(admin, { percent: '10' }, 'summer10');
    const store = await customStore(admin, 'EUR');
    const put = (over: Record<string, unknown>) =>
      admin.put(`/api/stores/${store}/orders/B-1`, order({ codes: ['OTHER', '  SUMMER10 '], ...over }));

    const created = await put({ status: 'pending' });
    expect(created.body.status).toBe('pending');
    const conversionId = created.body.conversionId;
    expect(conversionId).toMatch(/^\d+$/);
    let c = (await admin.get(`/api/conversions/${conversionId}`)).body;
    expect(c).toMatchObject({
      orderId: 'B-1',
      orderNumber: '#1001',
      storeId: store,
      campaignId,
      creatorId,
      via: { type: 'code', value: 'summer10' },
      status: 'pending',
      approval: 'approved',
      amount: { value: '100.00', currency: 'EUR' },
      converted: { value: '100.00', currency: 'EUR' },
      fxMissing: false,
      commission: { value: '0.00', currency: 'EUR' },
      counted: false,
    });

    await put({ status: 'paid', updatedAt: '2026-03-06T11:00:00Z' });
    c = (await admin.get(`/api/conversions/${conversionId}`)).body;
    expect(c).toMatchObject({ status: 'paid', commission: { value: '10.00', currency: 'EUR' }, counted: true });

    await put({ status: 'paid', refunded: '30.00', updatedAt: '2026-03-06T12:00:00Z' });
    c = (await admin.get(`/api/conversions/${conversionId}`)).body;
    expect(c).toMatchObject({
      status: 'partially_refunded',
      amount: { value: '70.00', currency: 'EUR' },
      converted: { value: '70.00', currency: 'EUR' },
      commission: { value: '7.00', currency: 'EUR' },
      counted: true,
    });

    // A stale version (older updatedAt) changes nothing and says so.
    const stale = await put({ status: 'paid', updatedAt: '2026-03-06T10:30:00Z' });
    expect(stale.body).toMatchObject({ applied: false, status: 'partially_refunded', amount: { value: '70.00', currency: 'EUR' } });

    await put({ status: 'paid', refunded: '100.00', updatedAt: '2026-03-06T13:00:00Z' });
    c = (await admin.get(`/api/conversions/${conversionId}`)).body;
    expect(c).toMatchObject({
      status: 'refunded',
      amount: { value: '0.00', currency: 'EUR' },
      commission: { value: '0.00', currency: 'EUR' },
      counted: false,
    });

    await put({ status: 'canceled', updatedAt: '2026-03-06T14:00:00Z' });
    c = (await admin.get(`/api/conversions/${conversionId}`)).body;
    expect(c).toMatchObject({ status: 'canceled', amount: { value: '0.00', currency: 'EUR' }, counted: false });
    const conversions = await t.db.selectFrom('conversions').select('id').where('campaign_id', '=', campaignId).execute();
    expect(conversions).toHaveLength(1);
  });

  it('counts an order from any country, and never attributes past orders to a code added later', async () => {
    const { admin } = await newAccount(t.app);
    const { campaignId, creatorId } = await campaignWithCode(admin, { percent: '10' }, 'world');
    const store = await customStore(admin, 'EUR');
    const abroad = await admin.put(`/api/stores/${store}/orders/W-1`, order({ codes: ['WORLD'], country: 'BR' }));
    expect((await admin.get(`/api/conversions/${abroad.body.conversionId}`)).body).toMatchObject({
      counted: true,
      converted: { value: '100.00', currency: 'EUR' },
    });

    const early = await admin.put(`/api/stores/${store}/orders/W-2`, order({ codes: ['LATER'] }));
    expect(early.body.conversionId).toBeNull();
    expect((await admin.post(`/api/campaigns/${campaignId}/members/${creatorId}/codes`, { code: 'LATER' })).status).toBe(201);
    const newer = await admin.put(`/api/stores/${store}/orders/W-2`, order({ codes: ['LATER'], updatedAt: '2026-03-06T12:00:00Z' }));
    expect(newer.body).toMatchObject({ applied: true, conversionId: null });
    const next = await admin.put(`/api/stores/${store}/orders/W-3`, order({ codes: ['LATER'] }));
    expect(next.body.conversionId).toMatch(/^\d+$/);
    const perf = (await admin.get(`/api/campaigns/${campaignId}/performance`)).body;
    expect(perf.totals).toEqual({
      orders: 2,
      sales: { value: '200.00', currency: 'EUR' },
      commission: { value: '20.00', currency: 'EUR' },
      clicks: 0,
      conversionRate: null,
    });
  });

  it('converts with the rate of the order day, Friday for a Saturday, and rounds half to even', async () => {
    const { admin } = await newAccount(t.app);
    await campaignWithCode(admin, { percent: '10', fixed: { value: '5.00', currency: 'USD' } }, 'usd1');
    await campaignWithCode(admin, { percent: '10' }, 'tie1');
    const usd = await customStore(admin, 'USD');
    const jpy = await customStore(admin, 'JPY');
    const eur = await customStore(admin, 'EUR');

    // 115.61 USD / 1.1561 = 100.00 EUR; 10% = 10.00; fixed 5.00 USD / 1.1561 = 4.3249 → 4.32.
    const saturday = await admin.put(
      `/api/stores/${usd}/orders/U-1`,
      order({ currency: 'USD', subtotal: '115.61', codes: ['usd1'], createdAt: '2026-03-07T09:00:00Z', updatedAt: '2026-03-07T09:00:00Z' }),
    );
    const s = (await admin.get(`/api/conversions/${saturday.body.conversionId}`)).body;
    expect(s.converted).toEqual({ value: '100.00', currency: 'EUR' });
    expect(s.commission).toEqual({ value: '14.32', currency: 'EUR' });

    // 18257 JPY / 182.57 = 100.00 EUR.
    const yen = await admin.put(`/api/stores/${jpy}/orders/J-1`, order({ currency: 'JPY', subtotal: '18257', codes: ['TIE1'] }));
    const y = (await admin.get(`/api/conversions/${yen.body.conversionId}`)).body;
    expect(y.amount).toEqual({ value: '18257', currency: 'JPY' });
    expect(y.converted).toEqual({ value: '100.00', currency: 'EUR' });
    expect(y.commission).toEqual({ value: '10.00', currency: 'EUR' });

    // 10% of 100.05 is 10.005: the tie goes to the even cent, 10.00; 10% of 100.15 → 10.02.
    const tieDown = await admin.put(`/api/stores/${eur}/orders/E-1`, order({ subtotal: '100.05', codes: ['tie1'] }));
    expect((await admin.get(`/api/conversions/${tieDown.body.conversionId}`)).body.commission).toEqual({ value: '10.00', currency: 'EUR' });
    const tieUp = await admin.put(`/api/stores/${eur}/orders/E-2`, order({ subtotal: '100.15', codes: ['tie1'] }));
    expect((await admin.get(`/api/conversions/${tieUp.body.conversionId}`)).body.commission).toEqual({ value: '10.02', currency: 'EUR' });
  });

  it('snapshots the terms: a change applies to new conversions only', async () => {
    const { admin } = await newAccount(t.app);
    const { campaignId } = await campaignWithCode(admin, { percent: '10' }, 'snap');
    const store = await customStore(admin, 'EUR');
    const before = await admin.put(`/api/stores/${store}/orders/S-1`, order({ codes: ['snap'] }));
    expect((await admin.patch(`/api/campaigns/${campaignId}`, { commission: { percent: '20' } })).status).toBe(200);
    const after = await admin.put(`/api/stores/${store}/orders/S-2`, order({ codes: ['snap'] }));
    // A later version of the first order keeps its 10%.
    await admin.put(`/api/stores/${store}/orders/S-1`, order({ codes: ['snap'], subtotal: '50.00', updatedAt: '2026-03-06T12:00:00Z' }));
    expect((await admin.get(`/api/conversions/${before.body.conversionId}`)).body.commission).toEqual({ value: '5.00', currency: 'EUR' });
    expect((await admin.get(`/api/conversions/${after.body.conversionId}`)).body.commission).toEqual({ value: '20.00', currency: 'EUR' });
  });

  it('flags a currency without a rate, and counts it once a rate is added', async () => {
    const { admin } = await newAccount(t.app);
    await campaignWithCode(admin, { percent: '10' }, 'naira');
    const store = await customStore(admin, 'NGN');
    const put = await admin.put(`/api/stores/${store}/orders/N-1`, order({ currency: 'NGN', subtotal: '160000.00', codes: ['naira'] }));
    let c = (await admin.get(`/api/conversions/${put.body.conversionId}`)).body;
    expect(c).toMatchObject({
      fxMissing: true,
      converted: null,
      commission: null,
      counted: false,
      amount: { value: '160000.00', currency: 'NGN' },
    });

    const added = await admin.post('/api/fx-rates', { currency: 'NGN', date: '2026-01-01', perEur: '1600' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ currency: 'NGN', date: '2026-01-01', perEur: '1600', refigured: 1 });
    c = (await admin.get(`/api/conversions/${put.body.conversionId}`)).body;
    expect(c).toMatchObject({
      fxMissing: false,
      converted: { value: '100.00', currency: 'EUR' },
      commission: { value: '10.00', currency: 'EUR' },
      counted: true,
    });

    // The rate belongs to this account only.
    const other = await newAccount(t.app);
    const rates = await other.admin.get('/api/fx-rates?date=2026-03-06');
    expect(rates.body.items.find((r: { currency: string }) => r.currency === 'NGN')).toBeUndefined();
    const mine = await admin.get('/api/fx-rates?date=2026-03-06');
    expect(mine.body.items.find((r: { currency: string }) => r.currency === 'NGN')).toEqual({
      currency: 'NGN',
      perEur: '1600',
      day: '2026-01-01',
      source: 'account',
    });
    expect(mine.body.items.find((r: { currency: string }) => r.currency === 'USD')).toEqual({
      currency: 'USD',
      perEur: '1.1561',
      day: '2026-03-06',
      source: 'ecb',
    });
  });

  it('imports an ECB file as the account’s rates and refuses other files', async () => {
    const { admin } = await newAccount(t.app);
    const xml = await fs.readFile(new URL('../fixtures/fx/ecb-eurofxref-daily-2010-04-20.xml', import.meta.url));
    const res = await admin.call('POST', '/api/fx-rates/import', xml, { 'content-type': 'application/xml' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rates: 34, from: '2010-04-20', to: '2010-04-20', refigured: 0 });
    const bad = await admin.call('POST', '/api/fx-rates/import', '<html><body>nope</body></html>', { 'content-type': 'text/csv' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_fx_file');
    const json = await admin.post('/api/fx-rates/import', { rates: [] });
    expect(json.status).toBe(422);
  });

  it('re-expresses every figure when the default currency changes, with each order’s own rate', async () => {
    const { admin } = await newAccount(t.app);
    const { campaignId } = await campaignWithCode(admin, { percent: '10' }, 'swap');
    const store = await customStore(admin, 'USD');
    const put = await admin.put(`/api/stores/${store}/orders/C-1`, order({ currency: 'USD', subtotal: '115.61', codes: ['swap'] }));
    const id = put.body.conversionId;
    expect((await admin.get(`/api/conversions/${id}`)).body.converted).toEqual({ value: '100.00', currency: 'EUR' });

    expect((await admin.patch('/api/account', { defaultCurrency: 'USD' })).body.defaultCurrency).toBe('USD');
    let c = (await admin.get(`/api/conversions/${id}`)).body;
    // 10% of 115.61 is 11.561 → 11.56.
    expect(c).toMatchObject({ converted: { value: '115.61', currency: 'USD' }, commission: { value: '11.56', currency: 'USD' } });

    await admin.patch('/api/account', { defaultCurrency: 'JPY' });
    c = (await admin.get(`/api/conversions/${id}`)).body;
    // 115.61 USD × 182.57 / 1.1561 = 18257 JPY; 10% = 1825.7 → 1826.
    expect(c).toMatchObject({ converted: { value: '18257', currency: 'JPY' }, commission: { value: '1826', currency: 'JPY' } });
    const perf = (await admin.get(`/api/campaigns/${campaignId}/performance`)).body;
    expect(perf.totals).toEqual({
      orders: 1,
      sales: { value: '18257', currency: 'JPY' },
      commission: { value: '1826', currency: 'JPY' },
      clicks: 0,
      conversionRate: null,
    });
    const dash = (await admin.get('/api/dashboard')).body;
    expect(dash.currency).toBe('JPY');
    expect(dash.totalSales).toEqual({ value: '18257', currency: 'JPY' });
  });

  it.each([
    [{ currency: 'USD' }, 422, 'currency_mismatch'],
    [{ currency: 'ZZZ' }, 422, 'unsupported_currency'],
    [{ subtotal: '10.001' }, 422, 'invalid_amount'],
    [{ subtotal: '1e3' }, 400, 'invalid_input'],
    [{ status: 'shipped' }, 400, 'invalid_input'],
    [{ createdAt: 'yesterday' }, 400, 'invalid_input'],
    [{ number: undefined }, 400, 'invalid_input'],
  ])('refuses an order with %j: %i %s, and stores nothing', async (over, status, code) => {
    const { admin } = await newAccount(t.app);
    const store = await customStore(admin, 'EUR');
    const res = await admin.put(`/api/stores/${store}/orders/BAD`, order(over));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect((await admin.get(`/api/stores/${store}/orders/BAD`)).status).toBe(404);
  });

  it('takes orders through this API only for custom stores', async () => {
    const { admin } = await newAccount(t.app);
    const shop = await admin.post('/api/stores', { platform: 'shopify', name: 'S', currency: 'EUR' });
    const res = await admin.put(`/api/stores/${shop.body.id}/orders/X`, order());
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('wrong_platform');
  });

  it('makes one order and one conversion of concurrent deliveries of the same order', async () => {
    const { admin } = await newAccount(t.app);
    await campaignWithCode(admin, { percent: '10' }, 'race');
    const store = await customStore(admin, 'EUR');
    const versions = Array.from({ length: 12 }, (_, i) =>
      order({ codes: ['race'], subtotal: `${100 + i}.00`, updatedAt: `2026-03-06T10:${String(i).padStart(2, '0')}:00Z` }),
    );
    const replies = await Promise.all(versions.map((v) => admin.put(`/api/stores/${store}/orders/R-1`, v)));
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
    const final = await admin.get(`/api/stores/${store}/orders/R-1`);
    // Whatever the arrival order, the newest version wins.
    expect(final.body.amount).toEqual({ value: '111.00', currency: 'EUR' });
    const rows = await t.db
      .selectFrom('conversions')
      .select(['id', 'amount_minor', 'commission_minor'])
      .where('store_id', '=', store)
      .execute();
    expect(rows).toEqual([{ id: final.body.conversionId, amount_minor: '11100', commission_minor: '1110' }]);
  });
});
