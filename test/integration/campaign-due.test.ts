import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// A campaign's amounts due (GET /api/payouts/due?campaignId): the account's figures restricted
// to one campaign's conversions and their clawbacks; manual adjustments belong to no campaign.
// Spring pays 10%, Summer 20%; both hold 15 days. Orders of 2026-03 are past it, yesterday's not.

const OLD = '2026-03-06T10:00:00Z';
const eur = (value: string) => ({ value, currency: 'EUR' });
const row = (creatorId: string, name: string, onHold: string, payable: string, adjustments: string, amountDue: string) => ({
  creatorId,
  name,
  onHold: eur(onHold),
  payable: eur(payable),
  adjustments: eur(adjustments),
  amountDue: eur(amountDue),
});
const totals = (creators: number, onHold: string, payable: string, adjustments: string, amountDue: string) => ({
  creators,
  onHold: eur(onHold),
  payable: eur(payable),
  adjustments: eur(adjustments),
  amountDue: eur(amountDue),
});

describeDb('amounts due of one campaign', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it("counts only the campaign's conversions and clawbacks, never a manual adjustment", async () => {
    const { admin } = await newAccount(t.app);
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency: 'EUR' })).body.id;
    const spring = (await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '10' } })).body.id;
    const summer = (await admin.post('/api/campaigns', { name: 'Summer', commission: { percent: '20' } })).body.id;
    const ann = (await admin.post('/api/creators', { name: 'Ann' })).body.id as string;
    const bob = (await admin.post('/api/creators', { name: 'Bob' })).body.id as string;
    await admin.post(`/api/campaigns/${spring}/members`, { creatorId: ann, codes: ['ANN'] });
    await admin.post(`/api/campaigns/${spring}/members`, { creatorId: bob, codes: ['BOB'] });
    await admin.post(`/api/campaigns/${summer}/members`, { creatorId: ann, codes: ['ANN2'] });
    let version = 0;
    const order = async (id: string, code: string, subtotal: string, more: Record<string, unknown> = {}) => {
      version += 1;
      const res = await admin.put(`/api/stores/${store}/orders/${id}`, {
        number: `#${id}`,
        createdAt: OLD,
        updatedAt: new Date(Date.parse('2026-03-07T00:00:00Z') + version * 1000).toISOString(),
        currency: 'EUR',
        subtotal,
        status: 'paid',
        codes: [code],
        ...more,
      });
      expect(res.status).toBe(200);
    };
    const dueOf = async (campaignId: string) => {
      const res = await admin.get(`/api/payouts/due?campaignId=${campaignId}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    await order('1', 'ANN', '100.00');
    await order('2', 'ANN', '200.00', { createdAt: new Date(Date.now() - 86_400_000).toISOString() });
    await order('3', 'BOB', '50.00');
    await order('4', 'ANN2', '100.00');
    expect((await admin.post(`/api/creators/${ann}/adjustments`, { amount: eur('7.00'), reason: 'launch bonus' })).status).toBe(201);

    expect(await dueOf(spring)).toEqual({
      currency: 'EUR',
      totals: totals(2, '20.00', '15.00', '0.00', '15.00'),
      creators: [row(ann, 'Ann', '20.00', '10.00', '0.00', '10.00'), row(bob, 'Bob', '0.00', '5.00', '0.00', '5.00')],
      nextCursor: null,
    });
    expect(await dueOf(summer)).toEqual({
      currency: 'EUR',
      totals: totals(1, '0.00', '20.00', '0.00', '20.00'),
      creators: [row(ann, 'Ann', '0.00', '20.00', '0.00', '20.00')],
      nextCursor: null,
    });
    // The account's figures hold the bonus; neither campaign's does.
    const account = (await admin.get('/api/payouts/due')).body.creators;
    expect(account.find((c: { creatorId: string }) => c.creatorId === ann)).toEqual(row(ann, 'Ann', '20.00', '30.00', '7.00', '37.00'));

    // Ann is paid 37.00 (both campaigns and the bonus); then order 1 is refunded in full: a clawback of −10.00 in Spring.
    const payout = (await admin.post('/api/payouts', { creatorIds: [ann] })).body.items[0];
    expect(payout.amount).toEqual(eur('37.00'));
    expect((await admin.post(`/api/payouts/${payout.id}/paid`, { method: 'bank', reference: 'B-1' })).status).toBe(200);
    await order('1', 'ANN', '100.00', { status: 'refunded' });
    expect(await dueOf(spring)).toEqual({
      currency: 'EUR',
      totals: totals(2, '20.00', '5.00', '-10.00', '-5.00'),
      creators: [row(ann, 'Ann', '20.00', '0.00', '-10.00', '-10.00'), row(bob, 'Bob', '0.00', '5.00', '0.00', '5.00')],
      nextCursor: null,
    });
    expect(await dueOf(summer)).toEqual({
      currency: 'EUR',
      totals: totals(0, '0.00', '0.00', '0.00', '0.00'),
      creators: [],
      nextCursor: null,
    });
    // A campaign's amounts due come in one answer.
    const paged = await admin.get(`/api/payouts/due?campaignId=${spring}&limit=10`);
    expect([paged.status, paged.body.error.code]).toEqual([400, 'invalid_input']);
  });

  it('refuses a malformed campaign id, and answers 404 for an unknown one or one of another account', async () => {
    const { admin } = await newAccount(t.app);
    const other = await newAccount(t.app);
    const theirs = (await other.admin.post('/api/campaigns', { name: 'Theirs', commission: { percent: '10' } })).body.id;
    const cases: Array<[string, number, string]> = [
      ['abc', 400, 'invalid_input'],
      ['99999999', 404, 'not_found'],
      [theirs, 404, 'not_found'],
    ];
    for (const [campaignId, status, code] of cases) {
      const res = await admin.get(`/api/payouts/due?campaignId=${campaignId}`);
      expect([campaignId, res.status, res.body.error.code]).toEqual([campaignId, status, code]);
    }
  });
});
