import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Ledger, newLedger, read } from '../support/fixtures-ledger.ts';
import { describeDb, startTestApp, type TestApp } from '../support/harness.ts';

// The Community pages on the server: every sort pages through every creator exactly once, in
// order, with the same totals on every page. All orders are USD in a USD account, so figures are
// the order amounts: Spring pays 10 %, Summer 60 %.
type Figures = { creatorId: string; name: string; orders: number; sales: { value: string }; commission: { value: string } };
const row = (r: Figures) => [r.name, r.orders, r.sales.value, r.commission.value];
const usd = (value: string) => ({ value, currency: 'USD' });

const ANA = ['Ana', 1, '100.00', '10.00'];
const BEN = ['Ben', 2, '50.00', '5.00'];
const CLEO = ['Cleo', 1, '50.00', '5.00'];
const DORA = ['Dora', 0, '0.00', '0.00'];
const EVE = ['Eve', 0, '0.00', '0.00'];
const FINN = ['Finn', 1, '10.00', '6.00'];

// Created in the order Cleo, Ana, Eve, Ben, Finn, Dora, so ids break ties in that order.
const EXPECTED: Record<string, unknown[][]> = {
  sales: [ANA, CLEO, BEN, FINN, EVE, DORA],
  orders: [BEN, CLEO, ANA, FINN, EVE, DORA],
  commission: [ANA, FINN, CLEO, BEN, EVE, DORA],
  name: [ANA, BEN, CLEO, DORA, EVE, FINN],
};

describeDb('community pages', () => {
  let t: TestApp;
  let l: Ledger;
  let ids: Record<string, string>;

  /** Every page of a query, following nextCursor; checks count and totals stay the same on each. */
  async function allPages(query: string) {
    const pages = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/community?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const page = await read(l.admin, url);
      pages.push(page);
      cursor = page.nextCursor;
      expect(pages.length, url).toBeLessThan(20);
    } while (cursor !== null);
    for (const page of pages) {
      expect(page.totals, query).toEqual(pages[0].totals);
      expect(page.count, query).toBe(pages[0].count);
    }
    return { pages, rows: pages.flatMap((p) => p.creators as Figures[]) };
  }

  beforeAll(async () => {
    t = await startTestApp();
    l = await newLedger(t.app, { defaultCurrency: 'USD', timeZone: 'UTC' });
    const store = await l.store('USD');
    const spring = await l.campaign('Spring', { percent: '10' });
    const summer = await l.campaign('Summer', { percent: '60' });
    ids = {};
    for (const name of ['Cleo', 'Ana', 'Eve', 'Ben', 'Finn', 'Dora', 'Gus']) ids[name] = await l.creator(name);
    const id = (name: string) => ids[name] as string;
    const [Ana, Ben, Cleo, Finn, Gus, Eve] = ['Ana', 'Ben', 'Cleo', 'Finn', 'Gus', 'Eve'].map(id) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    await l.member(spring, Ana, ['ANA']);
    await l.member(spring, Ben, ['BEN']);
    await l.member(spring, Cleo, ['CLEO']);
    await l.member(spring, Gus, ['GUS']);
    await l.member(spring, Eve, ['EVE']);
    await l.member(summer, Finn, ['FINN']);
    const at = (hour: number) => `2024-03-14T${String(hour).padStart(2, '0')}:00:00Z`;
    await l.order(store, { createdAt: at(8), subtotal: '100.00', status: 'paid', codes: ['ANA'] });
    await l.order(store, { createdAt: at(9), subtotal: '30.00', status: 'paid', codes: ['BEN'] });
    await l.order(store, { createdAt: at(10), subtotal: '20.00', status: 'paid', codes: ['BEN'] });
    await l.order(store, { createdAt: at(11), subtotal: '50.00', status: 'paid', codes: ['CLEO'] });
    await l.order(store, { createdAt: at(12), subtotal: '10.00', status: 'paid', codes: ['FINN'] });
    await l.order(store, { createdAt: at(13), subtotal: '40.00', status: 'pending', codes: ['EVE'] });
    await l.order(store, { createdAt: at(14), subtotal: '500.00', status: 'paid', codes: ['GUS'] });
    // Gus leaves the Community: his sales are on no page and in no total.
    await l.removeCreator(Gus);
    expect((await l.admin.patch(`/api/creators/${Finn}`, { handle: '@fin_n' })).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('answers the first page by sales with totals over every creator', async () => {
    const page = await read(l.admin, '/api/community');
    expect(page).toEqual({
      currency: 'USD',
      count: 6,
      totals: { orders: 5, sales: usd('210.00'), commission: usd('26.00'), clicks: 0, conversionRate: null },
      creators: EXPECTED.sales!.map((r) =>
        expect.objectContaining({ name: r[0], orders: r[1], sales: usd(r[2] as string), commission: usd(r[3] as string) }),
      ),
      nextCursor: null,
    });
    expect(page.creators[0]).toEqual({
      creatorId: ids.Ana,
      name: 'Ana',
      orders: 1,
      sales: usd('100.00'),
      commission: usd('10.00'),
      clicks: 0,
      conversionRate: null,
    });
  });

  for (const sort of ['sales', 'orders', 'commission', 'name']) {
    it(`pages through every creator exactly once by ${sort}`, async () => {
      for (const limit of [1, 2, 4, 5, 6, 500]) {
        const { pages, rows } = await allPages(`sort=${sort}&limit=${limit}`);
        expect(rows.map(row), `limit ${limit}`).toEqual(EXPECTED[sort]);
        expect(new Set(rows.map((r) => r.creatorId)).size).toBe(6);
        expect(pages).toHaveLength(Math.max(1, Math.ceil(6 / limit)));
        expect(pages.slice(0, -1).every((p) => p.creators.length === limit && p.nextCursor !== null)).toBe(true);
        expect(pages[0].totals).toEqual({ orders: 5, sales: usd('210.00'), commission: usd('26.00'), clicks: 0, conversionRate: null });
      }
    });
  }

  it('totals are the sums of every row, also within a range', async () => {
    const { pages, rows } = await allPages('from=2024-03-14T09:30:00Z&to=2024-03-14T12:30:00Z&limit=2&sort=commission');
    // Ben's 20.00 (10:00), Cleo's 50.00 (11:00) and Finn's 10.00 (12:00) only.
    expect(rows.map(row)).toEqual([
      FINN,
      CLEO,
      ['Ben', 1, '20.00', '2.00'],
      ANA.map((v, i) => (i === 0 ? v : i === 1 ? 0 : '0.00')),
      EVE,
      DORA,
    ]);
    const minor = (f: 'sales' | 'commission') => rows.reduce((s, r) => s + Math.round(Number(r[f].value) * 100), 0);
    expect(pages[0].totals).toEqual({ orders: 3, sales: usd('80.00'), commission: usd('13.00'), clicks: 0, conversionRate: null });
    expect(minor('sales')).toBe(8000);
    expect(minor('commission')).toBe(1300);
    expect(rows.reduce((n, r) => n + r.orders, 0)).toBe(3);
  });

  it('filters by name or handle ignoring case, with totals of the matches only', async () => {
    const an = await read(l.admin, '/api/community?q=AN');
    expect(an.creators.map(row)).toEqual([ANA]);
    expect(an).toMatchObject({ count: 1, totals: { orders: 1, sales: usd('100.00'), commission: usd('10.00') }, nextCursor: null });

    const { pages, rows } = await allPages('q=e&limit=1');
    expect(rows.map(row)).toEqual([CLEO, BEN, EVE]);
    expect(pages[0]).toMatchObject({ count: 3, totals: { orders: 3, sales: usd('100.00'), commission: usd('10.00') } });

    // `_` and `%` are plain characters: only Finn's handle has "_n".
    expect((await read(l.admin, '/api/community?q=_N')).creators.map(row)).toEqual([FINN]);
    expect((await read(l.admin, '/api/community?q=%25')).creators).toEqual([]);
    const none = await read(l.admin, '/api/community?q=nobody');
    expect(none).toEqual({
      currency: 'USD',
      count: 0,
      totals: { orders: 0, sales: usd('0.00'), commission: usd('0.00'), clicks: 0, conversionRate: null },
      creators: [],
      nextCursor: null,
    });
    // A removed creator is not found either.
    expect((await read(l.admin, '/api/community?q=gus')).count).toBe(0);
  });

  it('pages by name past the longest names a creator can have', async () => {
    const other = await newLedger(t.app, { defaultCurrency: 'USD', timeZone: 'UTC' });
    const long = ['"€'.repeat(100), 'é"'.repeat(100), 'z'.repeat(200)];
    for (const name of long) await other.creator(name);
    const { rows } = await (async () => {
      const all = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/community?sort=name&limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const page = await read(other.admin, url);
        all.push(...page.creators);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return { rows: all };
    })();
    // The database's collation decides the order; a page of all of them is the reference.
    const whole = (await read(other.admin, '/api/community?sort=name')).creators.map((r: Figures) => r.name);
    expect([...whole].sort()).toEqual([...long].sort());
    expect(rows.map((r: Figures) => r.name)).toEqual(whole);
  });

  it('refuses a bad cursor, limit or sort with 400 and says why', async () => {
    const byName = await read(l.admin, '/api/community?sort=name&limit=2');
    const cases: Array<[string, RegExp]> = [
      ['cursor=nonsense', /cursor is not valid/],
      [`cursor=${Buffer.from(JSON.stringify({ s: 'sales', v: '1; drop table x', i: '1' })).toString('base64url')}`, /cursor is not valid/],
      [`cursor=${Buffer.from(JSON.stringify({ s: 'sales', v: '100', i: '0' })).toString('base64url')}`, /cursor is not valid/],
      [`cursor=${Buffer.from(JSON.stringify({ s: 'name', v: 'a\u0000', i: '1' })).toString('base64url')}`, /cursor is not valid/],
      [`cursor=${Buffer.from(JSON.stringify(['sales', '1', '1'])).toString('base64url')}`, /cursor is not valid/],
      [`cursor=${encodeURIComponent(byName.nextCursor)}`, /cursor belongs to sort=name, not sort=sales/],
      ['limit=0', /limit/],
      ['limit=501', /limit/],
      ['limit=-1', /limit/],
      ['limit=ten', /limit/],
      ['sort=price', /sort is one of sales, name, orders, commission/],
      [`q=${'x'.repeat(201)}`, /q/],
    ];
    for (const [query, message] of cases) {
      const res = await l.admin.get(`/api/community?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('invalid_input');
      expect(res.body.error.message, query).toMatch(message);
    }
    // A forged but well-formed cursor is only a position: orders beyond any integer give all rows.
    const huge = Buffer.from(JSON.stringify({ s: 'orders', v: '9'.repeat(40), i: '1' })).toString('base64url');
    expect((await read(l.admin, `/api/community?sort=orders&cursor=${huge}`)).creators.map(row)).toEqual(EXPECTED.orders);
    // The same cursor with its own sort goes on from where the page stopped.
    expect(
      (await read(l.admin, `/api/community?sort=name&limit=2&cursor=${encodeURIComponent(byName.nextCursor)}`)).creators.map(row),
    ).toEqual([CLEO, DORA]);
  });
});
