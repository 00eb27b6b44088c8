import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// A creator across the account (the creator's page): their campaigns with codes, links, terms
// and earnings (GET /api/creators/{id}/campaigns), and their orders in every campaign, newest
// first by keyset page (GET /api/creators/{id}/conversions).

const eur = (value: string) => ({ value, currency: 'EUR' });

describeDb("a creator's page", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function brand() {
    const account = await newAccount(t.app);
    const { admin } = account;
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency: 'EUR', domain: 'shop.example.com' })).body
      .id;
    const spring = (await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '10' } })).body.id as string;
    const summer = (await admin.post('/api/campaigns', { name: 'Summer', commission: { percent: '20' } })).body.id as string;
    const ann = (await admin.post('/api/creators', { name: 'Ann', handle: '@ann', email: 'ann@example.com' })).body.id as string;
    const bob = (await admin.post('/api/creators', { name: 'Bob' })).body.id as string;
    await admin.post(`/api/campaigns/${spring}/members`, { creatorId: ann, codes: ['ANN'] });
    await admin.post(`/api/campaigns/${summer}/members`, { creatorId: ann, codes: ['ANN2'], commission: { percent: '25' } });
    await admin.post(`/api/campaigns/${spring}/members`, { creatorId: bob, codes: ['BOB'] });
    const link = await admin.post(`/api/campaigns/${spring}/members/${ann}/links`, { destination: 'https://shop.example.com/tee' });
    expect(link.status).toBe(201);
    const order = async (id: string, code: string, subtotal: string, day: string, status = 'paid') => {
      const res = await admin.put(`/api/stores/${store}/orders/${id}`, {
        number: `#${id}`,
        createdAt: `2026-03-${day}T10:00:00Z`,
        updatedAt: `2026-03-${day}T10:00:00Z`,
        currency: 'EUR',
        subtotal,
        status,
        codes: [code],
      });
      expect(res.status).toBe(200);
      return res.body.conversionId as string;
    };
    return { ...account, spring, summer, ann, bob, order, slug: link.body.slug as string };
  }

  it('lists every campaign of the creator with codes, links, terms and counted earnings, a removed membership too', async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00', '02');
    await b.order('2', 'ANN2', '40.00', '03');
    await b.order('3', 'ANN', '60.00', '04', 'canceled');
    await b.order('4', 'BOB', '80.00', '05');
    expect((await b.admin.delete(`/api/campaigns/${b.summer}/members/${b.ann}`)).status).toBe(204);

    const res = await b.admin.get(`/api/creators/${b.ann}/campaigns`);
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe('EUR');
    expect(
      res.body.items.map((i: any) => [i.campaign.name, i.member.codes, i.member.commission, i.member.removed, i.orders, i.commission]),
    ).toEqual([
      ['Spring', ['ANN'], null, false, 1, eur('10.00')],
      ['Summer', ['ANN2'], { percent: '25', fixed: null }, true, 1, eur('10.00')],
    ]);
    expect(res.body.items[0].campaign).toMatchObject({ id: b.spring, commission: { percent: '10', fixed: null }, holdDays: 15 });
    expect(res.body.items[0].member.links).toEqual([
      expect.objectContaining({ slug: b.slug, destination: 'https://shop.example.com/tee' }),
    ]);
    expect(res.body.totals).toEqual({ orders: 2, commission: eur('20.00') });

    // A creator in no campaign has none.
    const lone = (await b.admin.post('/api/creators', { name: 'Lone' })).body.id;
    expect((await b.admin.get(`/api/creators/${lone}/campaigns`)).body).toEqual({
      currency: 'EUR',
      items: [],
      totals: { orders: 0, commission: eur('0.00') },
    });
  });

  it("pages the creator's orders across campaigns, newest first, removed memberships included", async () => {
    const b = await brand();
    await b.order('1', 'ANN', '100.00', '02');
    await b.order('2', 'ANN2', '40.00', '03');
    await b.order('3', 'ANN', '60.00', '04', 'refunded');
    await b.order('4', 'BOB', '80.00', '05');
    await b.order('5', 'ANN', '10.00', '06');
    expect((await b.admin.delete(`/api/campaigns/${b.summer}/members/${b.ann}`)).status).toBe(204);
    const viewer = await b.as('viewer');

    const first = await viewer.get(`/api/creators/${b.ann}/conversions?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: any) => [c.orderNumber, c.campaignName, c.status, c.commission])).toEqual([
      ['#5', 'Spring', 'paid', eur('1.00')],
      ['#3', 'Spring', 'refunded', eur('0.00')],
    ]);
    const second = await viewer.get(`/api/creators/${b.ann}/conversions?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: any) => [c.orderNumber, c.campaignName, c.creatorId])).toEqual([
      ['#2', 'Summer', b.ann],
      ['#1', 'Spring', b.ann],
    ]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses bad input and hides another account’s creator', async () => {
    const b = await brand();
    const other = await newAccount(t.app);
    const cases: Array<[string, number, string]> = [
      [`/api/creators/${b.ann}/conversions?limit=0`, 400, 'invalid_input'],
      [`/api/creators/${b.ann}/conversions?limit=501`, 400, 'invalid_input'],
      [`/api/creators/${b.ann}/conversions?cursor=nonsense`, 400, 'invalid_input'],
      ['/api/creators/abc/conversions', 400, 'invalid_input'],
      ['/api/creators/abc/campaigns', 400, 'invalid_input'],
      ['/api/creators/99999999/conversions', 404, 'not_found'],
      ['/api/creators/99999999/campaigns', 404, 'not_found'],
    ];
    for (const [path, status, code] of cases) {
      const res = await b.admin.get(path);
      expect([path, res.status, res.body.error.code]).toEqual([path, status, code]);
    }
    for (const path of [`/api/creators/${b.ann}/conversions`, `/api/creators/${b.ann}/campaigns`]) {
      const res = await other.admin.get(path);
      expect([path, res.status, res.body.error.code]).toEqual([path, 404, 'not_found']);
    }
  });
});
