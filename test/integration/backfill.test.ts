import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

describeDb('backfill', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it("attributes past unattributed orders of a range to the campaign's codes known now, once", async () => {
    const { admin, as } = await newAccount(t.app);
    const x = (await admin.post('/api/creators', { name: 'X' })).body.id;
    const y = (await admin.post('/api/creators', { name: 'Y' })).body.id;
    const a = (await admin.post('/api/campaigns', { name: 'A', commission: { percent: '10' } })).body.id;
    const b = (await admin.post('/api/campaigns', { name: 'B', commission: { percent: '20' } })).body.id;
    await admin.post(`/api/campaigns/${a}/members`, { creatorId: x });
    await admin.post(`/api/campaigns/${b}/members`, { creatorId: y });
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'S', currency: 'EUR' })).body.id;
    const put = (id: string, day: string, codes: string[]) =>
      admin.put(`/api/stores/${store}/orders/${id}`, {
        number: id,
        createdAt: `${day}T10:00:00Z`,
        updatedAt: `${day}T10:00:00Z`,
        currency: 'EUR',
        subtotal: '100.00',
        status: 'paid',
        codes,
      });
    for (const [id, day, codes] of [
      ['O1', '2026-03-05', ['LATER']],
      ['O2', '2026-03-10', ['later']],
      ['O3', '2026-03-06', ['OTHERB']],
      ['O4', '2026-03-06', []],
    ] as const) {
      expect((await put(id, day, [...codes])).body.conversionId).toBeNull();
    }
    expect((await admin.post(`/api/campaigns/${a}/members/${x}/codes`, { code: 'LATER' })).status).toBe(201);
    expect((await admin.post(`/api/campaigns/${b}/members/${y}/codes`, { code: 'OTHERB' })).status).toBe(201);

    const first = await admin.post(`/api/campaigns/${a}/backfill`, { from: '2026-03-01', to: '2026-03-07' });
    expect(first.body).toEqual({ examined: 3, attributed: 1 });
    expect((await admin.post(`/api/campaigns/${a}/backfill`, { from: '2026-03-01', to: '2026-03-07' })).body).toEqual({
      examined: 2,
      attributed: 0,
    });
    expect((await admin.post(`/api/campaigns/${a}/backfill`, { from: '2026-03-01', to: '2026-03-31' })).body).toEqual({
      examined: 3,
      attributed: 1,
    });
    expect((await admin.post(`/api/campaigns/${b}/backfill`, { from: '2026-03-01', to: '2026-03-31' })).body).toEqual({
      examined: 2,
      attributed: 1,
    });

    const perfA = (await admin.get(`/api/campaigns/${a}/performance`)).body.totals;
    expect([perfA.orders, perfA.sales, perfA.commission]).toEqual([
      2,
      { value: '200.00', currency: 'EUR' },
      { value: '20.00', currency: 'EUR' },
    ]);
    const perfB = (await admin.get(`/api/campaigns/${b}/performance`)).body.totals;
    expect([perfB.orders, perfB.sales, perfB.commission]).toEqual([
      1,
      { value: '100.00', currency: 'EUR' },
      { value: '20.00', currency: 'EUR' },
    ]);
    const o1 = (await admin.get(`/api/stores/${store}/orders/O1`)).body;
    expect((await admin.get(`/api/conversions/${o1.conversionId}`)).body.via).toEqual({ type: 'code', value: 'LATER' });

    expect((await admin.post(`/api/campaigns/${a}/backfill`, { from: '2026-03-01' })).status).toBe(400);
    expect((await (await as('member')).post(`/api/campaigns/${a}/backfill`, { from: '2026-03-01', to: '2026-03-31' })).status).toBe(403);
    const other = await newAccount(t.app);
    expect((await other.admin.post(`/api/campaigns/${a}/backfill`, { from: '2026-03-01', to: '2026-03-31' })).status).toBe(404);
  });
});
