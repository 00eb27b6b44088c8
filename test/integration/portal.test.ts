import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// A creator's own page (SPEC §10, §11): the link (made, replaced, revoked, by admins only), and
// what the token alone reads: that creator's counted orders in that account, on hold and amount
// due as the Payments figures have them, and their payouts; never another creator's or another
// account's, never the customer's data. Campaigns pay 10% and hold 15 days.

const eur = (value: string) => ({ value, currency: 'EUR' });
const yesterday = new Date(Date.now() - 86_400_000).toISOString();
const TOKEN_URL = /^http:\/\/tally\.test\/portal\/([A-Za-z0-9_-]{43})$/;

describeDb('creator portal', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** An account with a 10% campaign and a custom EUR store; creators join with a code. */
  async function brand() {
    const account = await newAccount(t.app);
    const { admin } = account;
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency: 'EUR' })).body.id;
    const campaign = (await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '10' } })).body.id;
    const creator = async (name: string, code: string) => {
      const id = (await admin.post('/api/creators', { name, email: `${code.toLowerCase()}@creator.test` })).body.id as string;
      await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: id, codes: [code] });
      return id;
    };
    const order = async (id: string, code: string, subtotal: string, createdAt: string, more: Record<string, unknown> = {}) => {
      const res = await admin.put(`/api/stores/${store}/orders/${id}`, {
        number: `#${id}`,
        createdAt,
        updatedAt: createdAt,
        currency: 'EUR',
        subtotal,
        status: 'paid',
        codes: [code],
        country: 'FR',
        ...more,
      });
      expect(res.status, res.text).toBe(200);
    };
    const link = async (creatorId: string) => {
      const res = await admin.post(`/api/creators/${creatorId}/portal-link`);
      expect(res.status, res.text).toBe(201);
      return TOKEN_URL.exec(res.body.url)![1]!;
    };
    return { ...account, creator, order, link };
  }

  const anonymous = () => new Client(t.app);
  const portal = (token: string, query = '') => anonymous().get(`/api/portal/${token}${query}`);

  it('shows one creator their counted orders, on hold, amount due and payouts in that account only, and nothing of the customer', async () => {
    const a = await brand();
    const ann = await a.creator('Ann', 'ANN');
    const bob = await a.creator('Bob', 'BOB');
    await a.order('A1', 'ANN', '100.00', '2026-03-06T10:00:00Z');
    await a.order('A2', 'ANN', '300.00', yesterday);
    await a.order('A3', 'ANN', '80.00', '2026-03-07T10:00:00Z', { status: 'canceled' });
    await a.order('A4', 'BOB', '50.00', '2026-03-08T10:00:00Z');
    await a.admin.post(`/api/creators/${ann}/adjustments`, { amount: eur('2.50'), reason: 'bonus' });
    const payout = (await a.admin.post('/api/payouts', { creatorIds: [ann], note: 'March' })).body.items[0];
    expect(payout.amount).toEqual(eur('12.50'));
    await a.order('A5', 'ANN', '40.00', '2026-03-10T10:00:00Z');
    // The second account has a creator of the same name with an order of their own.
    const b = await brand();
    const otherAnn = await b.creator('Ann', 'ANN');
    await b.order('B1', 'ANN', '70.00', '2026-03-09T10:00:00Z');

    const token = await a.link(ann);
    const page = await portal(token);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toEqual({
      creator: { name: 'Ann' },
      currency: 'EUR',
      onHold: eur('30.00'),
      amountDue: eur('4.00'),
      orders: [
        {
          orderNumber: '#A2',
          orderDate: new Date(yesterday).toISOString(),
          campaignName: 'Spring',
          amount: eur('300.00'),
          status: 'paid',
          commission: eur('30.00'),
        },
        {
          orderNumber: '#A5',
          orderDate: '2026-03-10T10:00:00.000Z',
          campaignName: 'Spring',
          amount: eur('40.00'),
          status: 'paid',
          commission: eur('4.00'),
        },
        {
          orderNumber: '#A1',
          orderDate: '2026-03-06T10:00:00.000Z',
          campaignName: 'Spring',
          amount: eur('100.00'),
          status: 'paid',
          commission: eur('10.00'),
        },
      ],
      nextCursor: null,
      payouts: [{ ...payout }],
    });
    // The same figures as the Payments page's amounts due.
    const due = (await a.admin.get('/api/payouts/due')).body.creators.find((c: { creatorId: string }) => c.creatorId === ann);
    expect([due.onHold, due.amountDue]).toEqual([page.body.onHold, page.body.amountDue]);
    // Nothing of the customer, of Bob, or of the other account.
    expect(page.text).not.toMatch(/country|"FR"|email|@creator\.test|Bob|#A3|#A4|#B1/);

    const theirs = await portal(await b.link(otherAnn));
    expect(theirs.body).toEqual({
      creator: { name: 'Ann' },
      currency: 'EUR',
      onHold: eur('0.00'),
      amountDue: eur('7.00'),
      orders: [
        {
          orderNumber: '#B1',
          orderDate: '2026-03-09T10:00:00.000Z',
          campaignName: 'Spring',
          amount: eur('70.00'),
          status: 'paid',
          commission: eur('7.00'),
        },
      ],
      nextCursor: null,
      payouts: [],
    });
    // A creator with nothing yet: zeros and empty lists.
    expect((await portal(await a.link(bob))).body).toMatchObject({
      creator: { name: 'Bob' },
      onHold: eur('0.00'),
      amountDue: eur('5.00'),
      payouts: [],
    });
  });

  it('answers 404 not_found after a revoke and, for the old token, after a new link; the same as for an unknown token', async () => {
    const a = await brand();
    const ann = await a.creator('Ann', 'ANN');
    const state = async () => (await a.admin.get(`/api/creators/${ann}/portal-link`)).body.madeAt;
    expect(await state()).toBeNull();
    const first = await a.link(ann);
    expect((await portal(first)).status).toBe(200);
    const madeAt = await state();
    expect(Date.now() - Date.parse(madeAt)).toBeLessThan(60_000);

    const second = await a.link(ann);
    expect(second).not.toBe(first);
    const gone = await portal(first);
    expect([gone.status, gone.body]).toEqual([404, { error: { code: 'not_found', message: 'Page not found.' } }]);
    expect((await portal(second)).status).toBe(200);

    expect(await state()).not.toBe(madeAt);
    expect((await a.admin.delete(`/api/creators/${ann}/portal-link`)).status).toBe(204);
    expect(await state()).toBeNull();
    const missing = await a.admin.get('/api/creators/99999999/portal-link');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    const revoked = await portal(second);
    const unknown = await portal('A'.repeat(43));
    const malformed = await portal('not-a-token');
    for (const res of [revoked, unknown, malformed]) expect([res.status, res.body]).toEqual([404, gone.body]);
    // Revoking again changes nothing.
    expect((await a.admin.delete(`/api/creators/${ann}/portal-link`)).status).toBe(204);

    const audit = (await a.admin.get('/api/payouts/audit')).body.items.map((e: { action: string; creatorId: string }) => [
      e.action,
      e.creatorId,
    ]);
    expect(audit).toEqual([
      ['portal_revoke', ann],
      ['portal_link', ann],
      ['portal_link', ann],
    ]);
  });

  it('lets only admins make and revoke links, for their own account’s creators', async () => {
    const a = await brand();
    const ann = await a.creator('Ann', 'ANN');
    const member = await a.as('member');
    for (const method of ['POST', 'DELETE'] as const) {
      const res = await member.call(method, `/api/creators/${ann}/portal-link`);
      expect([method, res.status, res.body.error.code]).toEqual([method, 403, 'forbidden']);
    }
    const stranger = await brand();
    for (const method of ['POST', 'DELETE'] as const) {
      const res = await stranger.admin.call(method, `/api/creators/${ann}/portal-link`);
      expect([method, res.status, res.body.error.code]).toEqual([method, 404, 'not_found']);
    }
    const bad = await a.admin.post('/api/creators/abc/portal-link');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
    // A token is read whatever credentials come with it: a caller's key is not asked for.
    const token = await a.link(ann);
    expect((await new Client(t.app, { bearer: 'tly_1_forged' }).get(`/api/portal/${token}`)).status).toBe(200);
  });

  it('pages the orders by 500, newest first, two of the same instant the later-made first', async () => {
    const a = await brand();
    const ann = await a.creator('Ann', 'ANN');
    await a.order('C0', 'ANN', '10.00', '2026-03-06T10:00:00Z');
    // 500 copies of that order, written directly: copy n is floor(n / 2) minutes older.
    await sql`
      with source as (
        select o.*, c.campaign_id, c.creator_id, c.via_type, c.via_value, c.approval, c.amount_minor as c_amount,
               c.terms_percent, c.fx_missing, c.converted_minor, c.commission_minor, c.counted, c.status as c_status
        from orders o join conversions c on c.account_id = o.account_id and c.order_id = o.id
        where o.account_id = ${a.accountId} and o.external_id = 'C0'
      ), copies as (
        insert into orders (account_id, store_id, external_id, number, currency, placed_at, store_updated_at, base_status,
                            gross_minor, refunded_minor, status, amount_minor, codes, subtotal_minor, current_minor)
        select s.account_id, s.store_id, 'C' || n, '#C' || n, s.currency, s.placed_at - (n / 2) * interval '1 minute',
               s.store_updated_at, s.base_status, s.gross_minor, s.refunded_minor, s.status, s.amount_minor, s.codes,
               s.subtotal_minor, s.current_minor
        from source s, generate_series(1, 500) as n order by n
        returning id, placed_at
      )
      insert into conversions (account_id, order_id, store_id, campaign_id, creator_id, via_type, via_value, order_date, currency,
                               status, approval, amount_minor, terms_percent, fx_missing, converted_minor, commission_minor, counted)
      select s.account_id, c.id, s.store_id, s.campaign_id, s.creator_id, s.via_type, s.via_value, c.placed_at, s.currency,
             s.c_status, s.approval, s.c_amount, s.terms_percent, s.fx_missing, s.converted_minor, s.commission_minor, s.counted
      from copies c, source s order by c.id`.execute(t.db);
    const expected = Array.from({ length: 501 }, (_, n) => n)
      .sort((x, y) => Math.floor(x / 2) - Math.floor(y / 2) || y - x)
      .map((n) => `#C${n}`);

    const token = await a.link(ann);
    const first = await portal(token);
    expect(first.body.orders.map((o: { orderNumber: string }) => o.orderNumber)).toEqual(expected.slice(0, 500));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await portal(token, `?cursor=${first.body.nextCursor}`);
    expect([second.body.orders.map((o: { orderNumber: string }) => o.orderNumber), second.body.nextCursor]).toEqual([['#C500'], null]);
    expect(second.body.onHold).toEqual(eur('0.00'));
    expect(second.body.amountDue).toEqual(eur('501.00'));
  });

  it('refuses a cursor it did not hand out, and limits reads per address', async () => {
    const a = await brand();
    const token = await a.link(await a.creator('Ann', 'ANN'));
    const cursor = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const text of [
      'nope',
      cursor({ d: '2026-02-30T10:00:00.000000Z', i: '1' }),
      cursor({ d: '2026-03-06T10:00:00.000000Z', i: '0' }),
    ]) {
      const bad = await portal(token, `?cursor=${text}`);
      expect([text, bad.status, bad.body.error.code]).toEqual([text, 400, 'invalid_input']);
    }

    const from = (remoteAddress: string) => t.app.inject({ method: 'GET', url: `/api/portal/${token}`, remoteAddress });
    for (let i = 0; i < 60; i += 1) expect((await from('10.200.0.1')).statusCode).toBe(200);
    const limited = await from('10.200.0.1');
    expect([limited.statusCode, limited.json().error.code]).toEqual([429, 'rate_limited']);
    expect(limited.headers['retry-after']).toMatch(/^[0-9]+$/);
    expect((await from('10.200.0.2')).statusCode).toBe(200);
  });
});
