import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Changing the default currency re-expresses history; no answer mixes the two currencies.
// Rates (ECB): 2026-03-06 USD 1.1561, JPY 182.57 per EUR.

describeDb('default currency changes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('answers every read wholly in the old currency or wholly in the new one while it changes', async () => {
    const { admin } = await newAccount(t.app);
    const creator = (await admin.post('/api/creators', { name: 'C' })).body.id;
    const campaign = (
      await admin.post('/api/campaigns', { name: 'K', commission: { percent: '10', fixed: { value: '1.00', currency: 'USD' } } })
    ).body.id;
    await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: creator, codes: ['FX'] });
    const usd = (await admin.post('/api/stores', { platform: 'custom', name: 'US', currency: 'USD' })).body.id;
    const jpy = (await admin.post('/api/stores', { platform: 'custom', name: 'JP', currency: 'JPY' })).body.id;
    const order = (store: string, id: string, currency: string, subtotal: string) =>
      admin.put(`/api/stores/${store}/orders/${id}`, {
        number: id,
        createdAt: '2026-03-06T10:00:00Z',
        updatedAt: '2026-03-06T10:00:00Z',
        currency,
        subtotal,
        status: 'paid',
        codes: ['fx'],
      });
    await order(usd, 'U1', 'USD', '115.61');
    await order(jpy, 'J1', 'JPY', '18257');

    // In EUR: 100.00 + 100.00; commission 10.00 + 0.86 (1.00 USD / 1.1561) twice.
    const eur = { currency: 'EUR', totalSales: { value: '200.00', currency: 'EUR' }, commission: { value: '21.72', currency: 'EUR' } };
    // In USD: 115.61 + 115.61 (18257 JPY × 1.1561 / 182.57); commission 11.56 + 1.00 twice.
    const usdFigures = {
      currency: 'USD',
      totalSales: { value: '231.22', currency: 'USD' },
      commission: { value: '25.12', currency: 'USD' },
    };
    const read = async () => {
      const d = (await admin.get('/api/dashboard')).body;
      return { currency: d.currency, totalSales: d.totalSales, commission: d.commission };
    };
    expect(await read()).toEqual(eur);

    const [patched, ...answers] = await Promise.all([
      admin.patch('/api/account', { defaultCurrency: 'USD' }),
      ...Array.from({ length: 12 }, () => read()),
    ]);
    expect(patched.status).toBe(200);
    for (const answer of answers) expect([eur, usdFigures]).toContainEqual(answer);
    expect(await read()).toEqual(usdFigures);

    // History too: the rows and the Community say the same.
    const rows = (await admin.get(`/api/campaigns/${campaign}/conversions`)).body.items;
    expect(
      rows.map((r: { converted: { value: string }; commission: { value: string } }) => [r.converted.value, r.commission.value]).sort(),
    ).toEqual([
      ['115.61', '12.56'],
      ['115.61', '12.56'],
    ]);
    const community = (await admin.get('/api/community')).body;
    expect(community.creators.map((c: { sales: unknown }) => c.sales)).toEqual([{ value: '231.22', currency: 'USD' }]);
  });
});
