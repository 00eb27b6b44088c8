import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ledger, newLedger, read } from '../support/fixtures-ledger.ts';
import { Client, describeDb, startTestApp, type TestApp } from '../support/harness.ts';

// Expected figures are worked out by hand from the ECB reference rate of the order's UTC day
// (test/fixtures/fx, the snapshot loaded into the test database):
//   2024-03-14: 1 EUR = 1.0925 USD
// Half-to-even rounding shows on both sides: 100.00 EUR -> 109.25 USD, 10 % = 10.925 -> 10.92;
// 30.00 EUR -> 32.775 -> 32.78 USD.
const DAY = '2024-03-14';

describeDb('conversions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  // One campaign, three creators, one order per store status.
  async function world() {
    const l = await newLedger(t.app, { defaultCurrency: 'USD', timeZone: 'Europe/Paris' });
    const store = await l.store('EUR');
    const campaign = await l.campaign('Spring', { percent: '10' });
    const ana = await l.creator('Ana');
    const ben = await l.creator('Ben');
    await l.member(campaign, ana, ['ANA10']);
    await l.member(campaign, ben, ['BEN10']);
    const at = (h: number) => `${DAY}T${String(h).padStart(2, '0')}:00:00Z`;
    const paid = await l.order(store, { createdAt: at(8), subtotal: '100.00', status: 'paid', codes: ['ana10'] }, 'A-PAID');
    const partial = await l.order(
      store,
      { createdAt: at(9), subtotal: '50.00', refunded: '20.00', status: 'paid', codes: ['ANA10'] },
      'A-PARTIAL',
    );
    const pending = await l.order(store, { createdAt: at(10), subtotal: '40.00', status: 'pending', codes: ['ANA10'] }, 'A-PENDING');
    const canceled = await l.order(store, { createdAt: at(11), subtotal: '60.00', status: 'canceled', codes: ['BEN10'] }, 'B-CANCELED');
    const benPaid = await l.order(store, { createdAt: at(12), subtotal: '80.00', status: 'paid', codes: ['BEN10'] }, 'B-PAID');
    await l.order(store, { createdAt: at(13), subtotal: '5.00', status: 'paid', codes: ['NOBODY'] }, 'UNATTRIBUTED');
    return { l, store, campaign, ana, ben, ids: { paid, partial, pending, canceled, benPaid } };
  }

  describe('the Conversion view', () => {
    let shared: ReturnType<typeof world> | undefined;
    it('shows a conversion with its order, campaign, creator and exact figures', async () => {
      const { l, store, campaign, ana, ids } = await world();
      const conversion = await read(l.admin, `/api/conversions/${ids.paid.conversionId}`);
      expect(conversion).toEqual({
        id: ids.paid.conversionId,
        orderId: 'A-PAID',
        orderNumber: expect.stringMatching(/^#\d+$/),
        storeId: store,
        orderDate: '2024-03-14T08:00:00.000Z',
        campaignId: campaign,
        campaignName: 'Spring',
        creatorId: ana,
        creatorName: 'Ana',
        via: { type: 'code', value: 'ANA10' },
        status: 'paid',
        approval: 'approved',
        amount: { value: '100.00', currency: 'EUR' },
        converted: { value: '109.25', currency: 'USD' },
        fxMissing: false,
        commission: { value: '10.92', currency: 'USD' },
        counted: true,
      });
      const page = await read(l.admin, `/api/campaigns/${campaign}/conversions`);
      expect(page.items.find((c: { id: string }) => c.id === ids.paid.conversionId)).toEqual(conversion);
    });

    it('shows what each store status leaves: partial refunds keep the rest, others earn nothing', async () => {
      const { l, campaign } = await world();
      const page = await read(l.admin, `/api/campaigns/${campaign}/conversions`);
      const rows = page.items.map((c: any) => [c.orderId, c.status, c.amount.value, c.converted.value, c.commission.value, c.counted]);
      // Newest first; the unattributed order has no conversion.
      expect(rows).toEqual([
        ['B-PAID', 'paid', '80.00', '87.40', '8.74', true],
        ['B-CANCELED', 'canceled', '0.00', '0.00', '0.00', false],
        ['A-PENDING', 'pending', '40.00', '43.70', '0.00', false],
        ['A-PARTIAL', 'partially_refunded', '30.00', '32.78', '3.28', true],
        ['A-PAID', 'paid', '100.00', '109.25', '10.92', true],
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('filters by status, approval, creator and dates', async () => {
      const { l, campaign, ben, ids } = await world();
      const orderIds = async (query: string) =>
        (await read(l.admin, `/api/campaigns/${campaign}/conversions?${query}`)).items.map((c: { orderId: string }) => c.orderId);
      expect(await orderIds('status=pending')).toEqual(['A-PENDING']);
      expect(await orderIds('status=paid,partially_refunded')).toEqual(['B-PAID', 'A-PARTIAL', 'A-PAID']);
      expect(await orderIds(`creatorId=${ben}`)).toEqual(['B-PAID', 'B-CANCELED']);
      expect(await orderIds('approval=rejected')).toEqual([]);
      expect((await l.admin.post(`/api/conversions/${ids.partial.conversionId}/reject`)).status).toBe(200);
      expect(await orderIds('approval=rejected')).toEqual(['A-PARTIAL']);
      expect(await orderIds('approval=approved&status=paid')).toEqual(['B-PAID', 'A-PAID']);
      // 09:00Z to 11:00Z inclusive; in Paris that is 10:00 to 12:00 on the same day.
      expect(await orderIds('from=2024-03-14T10:00:00%2B01:00&to=2024-03-14T11:00:00Z')).toEqual(['B-CANCELED', 'A-PENDING', 'A-PARTIAL']);
      expect(await orderIds('from=2024-03-14&to=2024-03-14')).toHaveLength(5);
      expect(await orderIds('from=2024-03-15')).toEqual([]);
      expect(await orderIds('to=2024-03-13')).toEqual([]);
    });

    it.each([
      ['cursor=not-a-cursor'],
      [`cursor=${Buffer.from('{"d":"2024-01-01","i":"1"}').toString('base64url')}`],
      [`cursor=${Buffer.from('{"d":"2024-01-01T00:00:00.000000Z","i":"99999999999999999999"}').toString('base64url')}`],
      ['status=shipped'],
      ['status=paid,'],
      ['approval=maybe'],
      ['limit=0'],
      ['limit=501'],
      ['limit=ten'],
      ['limit=2.5'],
      ['creatorId=abc'],
      ['from=2024-02-30'],
      ['from=yesterday'],
      ['from=2024-03-15&to=2024-03-14'],
      ['to=2024-03-14T10:00:00'],
    ])('refuses %s with 400 invalid_input', async (query) => {
      shared ??= world();
      const { l, campaign } = await shared;
      const res = await l.admin.get(`/api/campaigns/${campaign}/conversions?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    });
  });

  describe('keyset pagination', () => {
    it('pages 7 conversions by 3, newest first, each exactly once', async () => {
      const l = await newLedger(t.app);
      const store = await l.store('EUR');
      const campaign = await l.campaign('Pages');
      const ana = await l.creator('Ana');
      await l.member(campaign, ana, ['PAGE']);
      // Two pairs share an order date, so the id breaks the tie.
      const dates = [
        '2024-03-01T10:00:00Z',
        '2024-03-02T10:00:00Z',
        '2024-03-02T10:00:00Z',
        '2024-03-03T10:00:00.123Z',
        '2024-03-04T10:00:00Z',
        '2024-03-04T10:00:00Z',
        '2024-03-05T10:00:00Z',
      ];
      const seeded = [];
      for (const [i, createdAt] of dates.entries()) {
        seeded.push(await l.order(store, { createdAt, subtotal: `${i + 1}.00`, status: 'paid', codes: ['PAGE'] }, `P${i + 1}`));
      }
      const expected = seeded
        .map((o, i) => ({ id: o.conversionId as string, date: dates[i] as string }))
        .sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || Number(BigInt(b.id) - BigInt(a.id)))
        .map((o) => o.id);

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/campaigns/${campaign}/conversions?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = await read(l.admin, url);
        pages.push(page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(expected);
      expect(new Set(pages.flat()).size).toBe(7);
      const all = await read(l.admin, `/api/campaigns/${campaign}/conversions`);
      expect(all.items.map((c: { id: string }) => c.id)).toEqual(expected);
      expect(all.nextCursor).toBeNull();

      // A page size that divides the list exactly ends without an empty page.
      const first = await read(l.admin, `/api/campaigns/${campaign}/conversions?limit=7`);
      expect(first.items).toHaveLength(7);
      expect(first.nextCursor).toBeNull();
      // Filters combine with the cursor.
      const paidFirst = await read(l.admin, `/api/campaigns/${campaign}/conversions?limit=2&status=paid`);
      const paidNext = await read(l.admin, `/api/campaigns/${campaign}/conversions?limit=2&status=paid&cursor=${paidFirst.nextCursor}`);
      expect([...paidFirst.items, ...paidNext.items].map((c: { id: string }) => c.id)).toEqual(expected.slice(0, 4));
    });
  });

  describe('reject and undo', () => {
    it('rejects, drops the commission and the totals, undoes, and logs each change', async () => {
      const { l, campaign, ids } = await world();
      const member = await l.as('member');
      const id = ids.benPaid.conversionId;
      const before = await read(l.admin, `/api/campaigns/${campaign}/performance`);
      // 109.25 + 32.78 + 87.40 = 229.43; 10.92 + 3.28 + 8.74 = 22.94
      expect(before.totals).toEqual({
        orders: 3,
        sales: { value: '229.43', currency: 'USD' },
        commission: { value: '22.94', currency: 'USD' },
        clicks: 0,
        conversionRate: null,
      });

      const rejected = await l.session.post(`/api/conversions/${id}/reject`, { reason: 'self-referral' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({
        id,
        status: 'paid',
        approval: 'rejected',
        amount: { value: '80.00', currency: 'EUR' },
        converted: { value: '87.40', currency: 'USD' },
        commission: { value: '0.00', currency: 'USD' },
        counted: false,
      });
      const afterReject = await read(l.admin, `/api/campaigns/${campaign}/performance`);
      expect(afterReject.totals).toEqual({
        orders: 2,
        sales: { value: '142.03', currency: 'USD' },
        commission: { value: '14.20', currency: 'USD' },
        clicks: 0,
        conversionRate: null,
      });
      const dashboard = await read(l.admin, '/api/dashboard');
      expect([dashboard.orders, dashboard.totalSales.value, dashboard.commission.value]).toEqual([2, '142.03', '14.20']);

      const again = await member.post(`/api/conversions/${id}/reject`, { reason: 'twice' });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('already_rejected');

      const undone = await member.post(`/api/conversions/${id}/approve`);
      expect(undone.status).toBe(200);
      expect(undone.body).toMatchObject({
        approval: 'approved',
        status: 'paid',
        commission: { value: '8.74', currency: 'USD' },
        counted: true,
      });
      expect((await read(l.admin, `/api/campaigns/${campaign}/performance`)).totals).toEqual(before.totals);

      const twice = await member.call('POST', `/api/conversions/${id}/approve`);
      expect(twice.status).toBe(409);
      expect(twice.body.error.code).toBe('already_approved');

      const history = await read(l.admin, `/api/conversions/${id}/history`);
      expect(history.items).toEqual([
        { at: expect.any(String), actor: l.email, from: 'approved', to: 'rejected', reason: 'self-referral' },
        { at: expect.any(String), actor: 'api-key:member', from: 'rejected', to: 'approved', reason: null },
      ]);
      expect(Date.parse(history.items[0].at)).toBeLessThanOrEqual(Date.parse(history.items[1].at));
      // Refused changes leave no trace.
      const events = await t.db
        .selectFrom('approval_events')
        .select('id')
        .where('conversion_id', '=', id as string)
        .execute();
      expect(events).toHaveLength(2);
    });

    it('lets one of two simultaneous rejects win; the other gets 409', async () => {
      const { l, ids } = await world();
      const id = ids.paid.conversionId;
      const member = await l.as('member');
      const replies = await Promise.all([l.admin.post(`/api/conversions/${id}/reject`), member.post(`/api/conversions/${id}/reject`)]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await read(l.admin, `/api/conversions/${id}/history`)).items).toHaveLength(1);
    });

    it('never changes the store status, and a store update never changes approval', async () => {
      const { l, store, ids } = await world();
      const id = ids.benPaid.conversionId;
      await l.admin.post(`/api/conversions/${id}/reject`);

      // The store refunds the order later: the status follows, the approval stays.
      const refunded = await l.order(
        store,
        { createdAt: `${DAY}T12:00:00Z`, updatedAt: '2024-03-20T09:00:00Z', subtotal: '80.00', status: 'refunded', codes: ['BEN10'] },
        'B-PAID',
      );
      expect(refunded.status).toBe('refunded');
      let conversion = await read(l.admin, `/api/conversions/${id}`);
      expect(conversion).toMatchObject({ status: 'refunded', approval: 'rejected', amount: { value: '0.00' }, counted: false });

      // Undo on a refunded order: approved again, still refunded, still nothing earned.
      conversion = (await l.admin.post(`/api/conversions/${id}/approve`)).body;
      expect(conversion).toMatchObject({ status: 'refunded', approval: 'approved', commission: { value: '0.00' }, counted: false });

      // The store reports it paid again: it counts, with the approval untouched.
      await l.order(
        store,
        { createdAt: `${DAY}T12:00:00Z`, updatedAt: '2024-03-21T09:00:00Z', subtotal: '80.00', status: 'paid', codes: ['BEN10'] },
        'B-PAID',
      );
      conversion = await read(l.admin, `/api/conversions/${id}`);
      expect(conversion).toMatchObject({ status: 'paid', approval: 'approved', commission: { value: '8.74' }, counted: true });
      expect((await read(l.admin, `/api/conversions/${id}/history`)).items.map((e: { to: string }) => e.to)).toEqual([
        'rejected',
        'approved',
      ]);
    });

    it('lets a viewer read but not reject, and a member reject', async () => {
      const { l, campaign, ids } = await world();
      const viewer = await l.as('viewer');
      const id = ids.paid.conversionId;
      expect((await viewer.get(`/api/campaigns/${campaign}/conversions`)).status).toBe(200);
      expect((await viewer.get(`/api/conversions/${id}`)).status).toBe(200);
      expect((await viewer.get(`/api/conversions/${id}/history`)).status).toBe(200);
      for (const action of ['reject', 'approve']) {
        const res = await viewer.post(`/api/conversions/${id}/${action}`);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect((await read(l.admin, `/api/conversions/${id}`)).approval).toBe('approved');
      expect((await (await l.as('member')).post(`/api/conversions/${id}/reject`)).status).toBe(200);
      // A cookie session needs its CSRF token to reject.
      const noCsrf = new Client(t.app, { cookie: l.session.auth.cookie as string });
      expect((await noCsrf.post(`/api/conversions/${id}/approve`)).status).toBe(403);
    });
  });

  describe('tenancy', () => {
    let a: Ledger;
    let b: Ledger;
    let campaign: string;
    let conversionId: string;
    beforeAll(async () => {
      const w = await world();
      a = w.l;
      campaign = w.campaign;
      conversionId = w.ids.paid.conversionId as string;
      b = await newLedger(t.app);
    });

    it("answers 404 for another account's campaign and conversion", async () => {
      for (const url of [
        `/api/campaigns/${campaign}/conversions`,
        `/api/campaigns/${campaign}/performance`,
        `/api/conversions/${conversionId}`,
        `/api/conversions/${conversionId}/history`,
      ]) {
        const res = await b.admin.get(url);
        expect(res.status, url).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      for (const action of ['reject', 'approve']) {
        expect((await b.admin.post(`/api/conversions/${conversionId}/${action}`)).status).toBe(404);
      }
      expect((await read(a.admin, `/api/conversions/${conversionId}`)).approval).toBe('approved');
      expect((await b.admin.get('/api/conversions/999999')).status).toBe(404);
      expect((await b.admin.get('/api/campaigns/999999/conversions')).status).toBe(404);
    });
  });
});
