import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDb, newAccount, startTestApp, type TestApp } from '../support/harness.ts';

// Paying creators' exports (SPEC §11): the creators' PayPal e-mail, the accounting CSVs (one
// record per payout, one per line) and the PayPal Payouts Web file, byte for byte, with their
// filters, roles and bad input. Every campaign pays 10% on orders of 2026-03-06 (past any hold);
// the account is in Paris, so 10:00 UTC is written 11:00 in March and 08:00 UTC 10:00 in April.

const OLD = '2026-03-06T10:00:00Z';
const BOM = '\uFEFF';
const csv = (...lines: string[]) => `${BOM}${lines.map((l) => `${l}\r\n`).join('')}`;
const PAYOUTS_HEADER =
  'Payout ID,Creator,Creator E-mail,PayPal E-mail,Status,Amount,Currency,Authorized At,Authorized By,Paid At,Method,Reference,Note,Lines';
const LINES_HEADER = 'Payout ID,Creator,Status,Line Type,Order ID,Order Number,Order Date,Campaign,Adjustment Reason,Amount,Currency';
const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/payouts/${name}`, import.meta.url), 'utf8');

describeDb('payout exports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** An account with a 10% campaign, a custom store in its currency, and helpers to add creators and orders. */
  async function brand(currency = 'EUR') {
    const account = await newAccount(t.app, { defaultCurrency: currency });
    const { admin } = account;
    const store = (await admin.post('/api/stores', { platform: 'custom', name: 'Shop', currency })).body.id;
    const campaign = (await admin.post('/api/campaigns', { name: 'Spring', commission: { percent: '10' } })).body.id;
    const creator = async (body: Record<string, unknown>, code: string) => {
      const res = await admin.post('/api/creators', body);
      expect(res.status, res.text).toBe(201);
      await admin.post(`/api/campaigns/${campaign}/members`, { creatorId: res.body.id, codes: [code] });
      return res.body.id as string;
    };
    const order = async (id: string, code: string, subtotal: string) => {
      const res = await admin.put(`/api/stores/${store}/orders/${id}`, {
        number: `#${id.slice(2)}`,
        createdAt: OLD,
        updatedAt: OLD,
        currency,
        subtotal,
        status: 'paid',
        codes: [code],
      });
      expect(res.status, res.text).toBe(200);
    };
    return { ...account, store, creator, order };
  }

  it('keeps a creator’s PayPal e-mail, changes and clears it, and refuses one that is not an e-mail or begins like a formula', async () => {
    const { admin } = await brand();
    const made = await admin.post('/api/creators', { name: 'Ann', email: 'ann@x.test', paypalEmail: 'ann.pay@x.test' });
    expect(made.body).toEqual({
      id: made.body.id,
      name: 'Ann',
      handle: null,
      email: 'ann@x.test',
      paypalEmail: 'ann.pay@x.test',
      removed: false,
    });
    const path = `/api/creators/${made.body.id}`;
    expect((await admin.patch(path, { paypalEmail: 'ann.new@x.test' })).body.paypalEmail).toBe('ann.new@x.test');
    expect((await admin.get(path)).body.paypalEmail).toBe('ann.new@x.test');
    expect((await admin.patch(path, { name: 'Ann B' })).body).toMatchObject({ name: 'Ann B', paypalEmail: 'ann.new@x.test' });
    expect((await admin.patch(path, { paypalEmail: null })).body.paypalEmail).toBeNull();
    expect((await admin.get('/api/creators')).body.items[0].paypalEmail).toBeNull();

    for (const [method, body] of [
      ['POST', { name: 'Bob', paypalEmail: 'not an e-mail' }],
      ['POST', { name: 'Bob', paypalEmail: '+bob@x.test' }],
      ['PATCH', { paypalEmail: '-ann@x.test' }],
      ['PATCH', { paypalEmail: 'ann@' }],
      ['PATCH', { paypalEmail: 42 }],
    ] as const) {
      const res = await admin.call(method, method === 'POST' ? '/api/creators' : path, body);
      expect([method, body, res.status, res.body.error.code]).toEqual([method, body, 400, 'invalid_input']);
    }
    expect((await admin.get(path)).body.paypalEmail).toBeNull();
  });

  it('exports payouts and their lines for accounting, byte for byte, with filters; viewers may not', async () => {
    const b = await brand();
    const ann = await b.creator({ name: 'Ann', email: 'ann@x.test', paypalEmail: 'ann.pay@x.test' }, 'ANN');
    const bob = await b.creator({ name: '=Bob, "the" builder' }, 'BOB');
    const cy = await b.creator({ name: 'Cy', paypalEmail: 'cy@pay.test' }, 'CY');
    await b.order('O-1', 'ANN', '100.00');
    await b.order('O-2', 'ANN', '200.00');
    await b.order('O-3', 'BOB', '50.00');
    await b.order('O-4', 'CY', '12.34');
    const bonus = await b.admin.post(`/api/creators/${ann}/adjustments`, { amount: { value: '2.50', currency: 'EUR' }, reason: '+bonus' });
    expect(bonus.status).toBe(201);
    const made = (await b.admin.post('/api/payouts', { note: 'March, thanks' })).body.items as Array<{ id: string; creatorId: string }>;
    const [pa, pb, pc] = [ann, bob, cy].map((c) => made.find((p) => p.creatorId === c)!.id);
    await sql`update payouts set created_at = '2026-04-01T08:00:00Z' where account_id = ${b.accountId}`.execute(t.db);
    const paid = await b.admin.post(`/api/payouts/${pc}/paid`, { method: 'paypal', reference: 'PP-9', paidAt: '2026-04-02T10:00:00Z' });
    expect(paid.status).toBe(200);

    const rowA = `${pa},Ann,ann@x.test,ann.pay@x.test,pending,32.50,EUR,2026-04-01 10:00:00,api-key:tests,,,,"March, thanks",3`;
    const rowB = `${pb},"'=Bob, ""the"" builder",,,pending,5.00,EUR,2026-04-01 10:00:00,api-key:tests,,,,"March, thanks",1`;
    const rowC = `${pc},Cy,,cy@pay.test,paid,1.23,EUR,2026-04-01 10:00:00,api-key:tests,2026-04-02 12:00:00,paypal,PP-9,"March, thanks",1`;
    const member = await b.as('member');
    const all = await member.get('/api/payouts/export');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(all.headers['content-disposition']).toBe('attachment; filename="tally-payouts-all-time.csv"');
    expect(all.text).toBe(csv(PAYOUTS_HEADER, rowC, rowB, rowA));
    expect((await member.get('/api/payouts/export?status=pending')).text).toBe(csv(PAYOUTS_HEADER, rowB, rowA));
    expect((await member.get(`/api/payouts/export?creatorId=${ann}`)).text).toBe(csv(PAYOUTS_HEADER, rowA));
    expect((await member.get('/api/payouts/export?from=2026-04-01&to=2026-04-01')).text).toBe(csv(PAYOUTS_HEADER, rowC, rowB, rowA));
    const later = await member.get('/api/payouts/export?from=2026-04-02');
    expect([later.text, later.headers['content-disposition']]).toEqual([
      csv(PAYOUTS_HEADER),
      'attachment; filename="tally-payouts-from-2026-04-02.csv"',
    ]);

    const lines = await member.get('/api/payouts/lines/export');
    expect(lines.headers['content-disposition']).toBe('attachment; filename="tally-payout-lines-all-time.csv"');
    expect(lines.text).toBe(
      csv(
        LINES_HEADER,
        `${pc},Cy,paid,order,O-4,#4,2026-03-06 11:00:00,Spring,,1.23,EUR`,
        `${pb},"'=Bob, ""the"" builder",pending,order,O-3,#3,2026-03-06 11:00:00,Spring,,5.00,EUR`,
        `${pa},Ann,pending,order,O-1,#1,2026-03-06 11:00:00,Spring,,10.00,EUR`,
        `${pa},Ann,pending,order,O-2,#2,2026-03-06 11:00:00,Spring,,20.00,EUR`,
        `${pa},Ann,pending,adjustment,,,,,'+bonus,2.50,EUR`,
      ),
    );
    expect((await member.get('/api/payouts/lines/export?status=paid')).text).toBe(
      csv(LINES_HEADER, `${pc},Cy,paid,order,O-4,#4,2026-03-06 11:00:00,Spring,,1.23,EUR`),
    );

    // Another account sees none of it.
    const stranger = await brand();
    expect((await stranger.admin.get('/api/payouts/export')).text).toBe(csv(PAYOUTS_HEADER));
    expect((await stranger.admin.get(`/api/payouts/lines/export?creatorId=${ann}`)).text).toBe(csv(LINES_HEADER));

    const viewer = await b.as('viewer');
    for (const path of ['/api/payouts/export', '/api/payouts/lines/export', '/api/payouts/paypal-batch']) {
      const res = await viewer.get(path);
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'forbidden']);
    }
  });

  it('names the order a clawback is for in the lines export, with its negative amount', async () => {
    const b = await brand();
    const ann = await b.creator({ name: 'Ann' }, 'ANN');
    await b.order('O-1', 'ANN', '100.00');
    const first = (await b.admin.post('/api/payouts', {})).body.items[0].id;
    // A partial refund after the payout: its commission 10.00 → 6.00, a clawback of −4.00.
    const refund = await b.admin.put(`/api/stores/${b.store}/orders/O-1`, {
      number: '#1',
      createdAt: OLD,
      updatedAt: '2026-03-07T00:00:00Z',
      currency: 'EUR',
      subtotal: '100.00',
      refunded: '40.00',
      status: 'paid',
      codes: ['ANN'],
    });
    expect(refund.status, refund.text).toBe(200);
    await b.order('O-2', 'ANN', '200.00');
    const second = (await b.admin.post('/api/payouts', {})).body.items[0];
    expect(second.amount).toEqual({ value: '16.00', currency: 'EUR' });
    expect((await b.admin.get(`/api/payouts/lines/export?creatorId=${ann}`)).text).toBe(
      csv(
        LINES_HEADER,
        `${second.id},Ann,pending,order,O-2,#2,2026-03-06 11:00:00,Spring,,20.00,EUR`,
        `${second.id},Ann,pending,adjustment,O-1,#1,2026-03-06 11:00:00,Spring,commission changed after payout,-4.00,EUR`,
        `${first},Ann,pending,order,O-1,#1,2026-03-06 11:00:00,Spring,,10.00,EUR`,
      ),
    );
  });

  it('refuses bad filters with 400 invalid_input', async () => {
    const { admin } = await brand();
    for (const base of ['/api/payouts/export', '/api/payouts/lines/export']) {
      for (const query of [
        'status=open',
        'creatorId=abc',
        'creatorId=0',
        'from=2026-13-01',
        'to=yesterday',
        'from=2026-04-02&to=2026-04-01',
      ]) {
        const res = await admin.get(`${base}?${query}`);
        expect([base, query, res.status, res.body.error?.code]).toEqual([base, query, 400, 'invalid_input']);
      }
    }
    for (const query of ['currency=eur', 'currency=EURO', 'part=0', 'part=x', 'part=2']) {
      const res = await admin.get(`/api/payouts/paypal-batch?${query}`);
      expect([query, res.status, res.body.error?.code]).toEqual([query, 400, 'invalid_input']);
    }
    const res = await admin.get('/api/payouts?paypalEmail=present');
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_input']);
  });

  it('writes pending payouts of creators with a PayPal e-mail as PayPal documents the file; says who is left out and which currencies wait', async () => {
    const b = await brand();
    const ann = await b.creator({ name: 'Ann', paypalEmail: 'ann.pay@x.test' }, 'ANN');
    const bob = await b.creator({ name: 'Bob' }, 'BOB');
    const cy = await b.creator({ name: 'Cy', paypalEmail: 'cy@pay.test' }, 'CY');
    await b.order('O-1', 'ANN', '100.00');
    await b.order('O-2', 'BOB', '50.00');
    await b.order('O-3', 'CY', '20.00');
    const made = (await b.admin.post('/api/payouts', { creatorIds: [ann, bob] })).body.items as Array<{ id: string; creatorId: string }>;
    const [pa, pb] = [ann, bob].map((c) => made.find((p) => p.creatorId === c)!.id);
    const cyPayout = (await b.admin.post('/api/payouts', { creatorIds: [cy], note: 'Spring, "with" thanks' })).body.items[0].id;
    const name = (await b.admin.get('/api/account')).body.name as string;

    const member = await b.as('member');
    const file = await member.get('/api/payouts/paypal-batch');
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toBe('attachment; filename="paypal-payouts-EUR-part-1-of-1.csv"');
    expect([file.headers['tally-parts'], file.headers['tally-skipped-no-paypal'], file.headers['tally-other-currencies']]).toEqual([
      '1',
      '1',
      '',
    ]);
    expect(file.text).toBe(
      `ann.pay@x.test,10.00,EUR,${pa},Payout ${pa} from ${name},PAYPAL\n` +
        `cy@pay.test,2.00,EUR,${cyPayout},"Spring, ""with"" thanks",PAYPAL\n`,
    );
    // The one left out is listed for the hint.
    expect((await member.get('/api/payouts?status=pending&paypalEmail=missing')).body.items.map((p: { id: string }) => p.id)).toEqual([pb]);

    // Paid or canceled payouts are not in it; a new default currency leaves the pending ones in EUR.
    await b.admin.post(`/api/payouts/${pa}/paid`, { method: 'paypal' });
    await b.admin.post(`/api/payouts/${cyPayout}/cancel`);
    expect((await b.admin.patch('/api/account', { defaultCurrency: 'USD' })).status).toBe(200);
    const usd = (await b.admin.post('/api/payouts', { creatorIds: [cy] })).body.items[0];
    expect(usd.amount.currency).toBe('USD');
    const now = await member.get('/api/payouts/paypal-batch');
    expect([now.headers['content-disposition'], now.headers['tally-skipped-no-paypal'], now.headers['tally-other-currencies']]).toEqual([
      'attachment; filename="paypal-payouts-USD-part-1-of-1.csv"',
      '0',
      'EUR',
    ]);
    expect(now.text).toBe(`cy@pay.test,${usd.amount.value},USD,${usd.id},Payout ${usd.id} from ${name},PAYPAL\n`);
    const eur = await member.get('/api/payouts/paypal-batch?currency=EUR');
    expect([eur.text, eur.headers['tally-skipped-no-paypal'], eur.headers['tally-other-currencies']]).toEqual(['', '1', 'USD']);
    const none = await member.get('/api/payouts/paypal-batch?currency=GBP');
    expect([none.status, none.text, none.headers['tally-parts'], none.headers['tally-other-currencies']]).toEqual([
      200,
      '',
      '1',
      'EUR,USD',
    ]);
  });

  it('writes the rows of PayPal’s documented example files, with the payout’s id as Customer ID and dot decimals', async () => {
    // Each example file is one currency: example 1's PayPal row (USD) and example 2's row (EUR).
    for (const [name, currency] of [
      ['paypal-payouts-web.example-file-1-usd.docs.csv', 'USD'],
      ['paypal-payouts-web.example-file-2-eur.docs.csv', 'EUR'],
    ] as const) {
      const line = fixture(name).split('\n')[0]!;
      const cells = [...line.matchAll(/(?:^|,)("[^"]*"|[^,]*)/g)].map((m) => m[1]!.replace(/^"(.*)"$/, '$1'));
      const [recipient, amount, fileCurrency, customerId, note, wallet] = cells;
      expect([cells.length, fileCurrency, customerId, wallet]).toEqual([6, currency, 'ID001', 'PAYPAL']);
      // PayPal reads "100.5" and "100,50"; Tally writes the currency's digits with a dot.
      const value = Number(amount!.replace(',', '.')).toFixed(2);
      expect(value).toBe('100.50');

      const b = await brand(currency);
      const creator = (await b.admin.post('/api/creators', { name: 'M Brown', paypalEmail: recipient })).body.id;
      await b.admin.post(`/api/creators/${creator}/adjustments`, { amount: { value, currency }, reason: 'the example' });
      const payout = (await b.admin.post('/api/payouts', { note })).body.items[0].id as string;
      const file = await b.admin.get('/api/payouts/paypal-batch');
      expect(file.text).toBe(`${recipient},${value},${currency},${payout},${note},PAYPAL\n`);
      expect(file.text).toBe(`${line.replace(amount === '100,50' ? '"100,50"' : '100.5', value).replace('ID001', payout)}\n`);
    }
  });

  it('pages the PayPal file by 5,000 rows', async () => {
    const b = await brand();
    // 5,001 creators with a PayPal e-mail and a pending payout each, written directly.
    await sql`
      with made as (
        insert into creators (account_id, name, paypal_email)
        select ${b.accountId}, 'C' || n, 'c' || n || '@pay.test' from generate_series(1, 5001) as n
        returning id, name
      )
      insert into payouts (account_id, creator_id, currency, amount_minor, note, created_by)
      select ${b.accountId}, id, 'EUR', 100, name, 'test' from made order by id`.execute(t.db);
    const first = await b.admin.get('/api/payouts/paypal-batch');
    expect([first.headers['tally-parts'], first.headers['content-disposition']]).toEqual([
      '2',
      'attachment; filename="paypal-payouts-EUR-part-1-of-2.csv"',
    ]);
    const rows = first.text.split('\n');
    expect(rows).toHaveLength(5001);
    expect(rows[0]).toMatch(/^c1@pay\.test,1\.00,EUR,[0-9]+,C1,PAYPAL$/);
    expect(rows[4999]).toMatch(/^c5000@pay\.test,1\.00,EUR,[0-9]+,C5000,PAYPAL$/);
    const second = await b.admin.get('/api/payouts/paypal-batch?part=2');
    expect(second.text).toMatch(/^c5001@pay\.test,1\.00,EUR,[0-9]+,C5001,PAYPAL\n$/);
    const third = await b.admin.get('/api/payouts/paypal-batch?part=3');
    expect([third.status, third.body.error.code]).toEqual([400, 'invalid_input']);
  });
});
