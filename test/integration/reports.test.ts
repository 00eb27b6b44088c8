import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLedger, read, sumMoney } from '../support/fixtures-ledger.ts';
import { describeDb, startTestApp, type TestApp } from '../support/harness.ts';

// Expected figures are worked out by hand from the ECB reference rates of the order's UTC day
// (test/fixtures/fx, the snapshot loaded into the test database). Every order here is placed on
// 2024-03-14, whose rates are 1 EUR = 1.0925 USD = 161.7 JPY. Rounding is half to even, per
// figure of a row: 100.00 EUR -> 109.25 USD, 10 % = 10.925 -> 10.92; 30.00 EUR -> 32.775 ->
// 32.78 USD; 20.00 EUR -> 21.85 USD, 10 % = 2.185 -> 2.18.
const DAY = '2024-03-14';
const at = (hour: number) => `${DAY}T${String(hour).padStart(2, '0')}:00:00Z`;
const usd = (value: string) => ({ value, currency: 'USD' });
const eur = (value: string) => ({ value, currency: 'EUR' });

type Row = { orders: number; sales: { value: string; currency: string }; commission: { value: string; currency: string } };

/** Every total is the sum of the rows it summarises, exactly. */
function expectTotalsOf(rows: Row[], totals: Row, currency: string) {
  expect(totals.orders).toBe(rows.reduce((n, r) => n + r.orders, 0));
  expect(totals.sales.value).toBe(
    sumMoney(
      rows.map((r) => r.sales),
      currency,
    ),
  );
  expect(totals.commission.value).toBe(
    sumMoney(
      rows.map((r) => r.commission),
      currency,
    ),
  );
}

const figures = (r: Row & { name: string }) => [r.name, r.orders, r.sales.value, r.commission.value];

describeDb('reports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  describe('what counts', () => {
    it('counts paid and the rest of partially refunded orders; pending, canceled, refunded and rejected count zero', async () => {
      const l = await newLedger(t.app, { defaultCurrency: 'USD', timeZone: 'Europe/Paris' });
      const store = await l.store('EUR');
      const campaign = await l.campaign('Spring', { percent: '10' });
      const other = await l.campaign('Autumn', { percent: '5' });
      const [ana, ben, cleo, dora] = [await l.creator('Ana'), await l.creator('Ben'), await l.creator('Cleo'), await l.creator('Dora')];
      await l.member(campaign, ana, ['ANA']);
      await l.member(campaign, ben, ['BEN']);
      await l.member(campaign, cleo, ['CLEO']);
      await l.member(campaign, dora, ['DORA']);
      await l.order(store, { createdAt: at(8), subtotal: '100.00', status: 'paid', codes: ['ANA'] });
      await l.order(store, { createdAt: at(9), subtotal: '50.00', refunded: '20.00', status: 'paid', codes: ['ANA'] });
      await l.order(store, { createdAt: at(10), subtotal: '40.00', status: 'pending', codes: ['ANA'] });
      await l.order(store, { createdAt: at(11), subtotal: '60.00', status: 'canceled', codes: ['BEN'] });
      await l.order(store, { createdAt: at(12), subtotal: '70.00', status: 'refunded', codes: ['BEN'] });
      const rejected = await l.order(store, { createdAt: at(13), subtotal: '80.00', status: 'paid', codes: ['BEN'] });
      await l.order(store, { createdAt: at(14), subtotal: '20.00', status: 'paid', codes: ['CLEO'] });
      expect((await l.admin.post(`/api/conversions/${rejected.conversionId}/reject`)).status).toBe(200);

      const performance = await read(l.admin, `/api/campaigns/${campaign}/performance`);
      expect(performance.currency).toBe('USD');
      // Biggest sales first, then by name; members without sales get a zero row.
      expect(performance.creators.map(figures)).toEqual([
        ['Ana', 2, '142.03', '14.20'], // 109.25 + 32.78; 10.92 + 3.28
        ['Cleo', 1, '21.85', '2.18'],
        ['Ben', 0, '0.00', '0.00'],
        ['Dora', 0, '0.00', '0.00'],
      ]);
      expect(performance.creators[0]).toEqual({
        creatorId: ana,
        name: 'Ana',
        orders: 2,
        sales: usd('142.03'),
        commission: usd('14.20'),
        clicks: 0,
        conversionRate: null,
      });
      expect(performance.totals).toEqual({ orders: 3, sales: usd('163.88'), commission: usd('16.38'), clicks: 0, conversionRate: null });
      expectTotalsOf(performance.creators, performance.totals, 'USD');

      const dashboard = await read(l.admin, '/api/dashboard');
      expect(dashboard).toMatchObject({ currency: 'USD', totalSales: usd('163.88'), orders: 3, commission: usd('16.38'), fxMissing: 0 });
      expect(dashboard.campaigns).toEqual([
        { campaignId: campaign, name: 'Spring', orders: 3, sales: usd('163.88'), commission: usd('16.38') },
        { campaignId: other, name: 'Autumn', orders: 0, sales: usd('0.00'), commission: usd('0.00') },
      ]);
      expectTotalsOf(
        dashboard.campaigns,
        { orders: dashboard.orders, sales: dashboard.totalSales, commission: dashboard.commission },
        'USD',
      );
      expect(dashboard.series).toEqual([{ date: DAY, sales: usd('163.88') }]);

      const community = await read(l.admin, '/api/community');
      expect(community.creators.map(figures)).toEqual(performance.creators.map(figures));
    });

    it('converts a JPY store into a EUR account, rounding each figure once', async () => {
      // 1235 JPY / 161.7 = 7.6376 -> 7.64 EUR; 10 % = 0.764 -> 0.76; fixed 1.00 USD / 1.0925 =
      // 0.9153 -> 0.92; commission 1.68. 2000 - 383 refunded = 1617 JPY = 10.00 EUR exactly;
      // commission 1.00 + 0.92 = 1.92.
      const l = await newLedger(t.app, { defaultCurrency: 'EUR', timeZone: 'Asia/Tokyo' });
      const store = await l.store('JPY');
      const campaign = await l.campaign('Tokyo', { percent: '10', fixed: usd('1.00') });
      const kenji = await l.creator('Kenji');
      await l.member(campaign, kenji, ['KENJI']);
      const first = await l.order(store, { createdAt: at(3), subtotal: '1235', status: 'paid', codes: ['KENJI'] });
      await l.order(store, { createdAt: at(4), subtotal: '2000', refunded: '383', status: 'paid', codes: ['KENJI'] });

      expect(await read(l.admin, `/api/conversions/${first.conversionId}`)).toMatchObject({
        amount: { value: '1235', currency: 'JPY' },
        converted: eur('7.64'),
        commission: eur('1.68'),
        counted: true,
      });
      const list = await read(l.admin, `/api/campaigns/${campaign}/conversions`);
      expect(list.items.map((c: any) => [c.status, c.amount.value, c.converted.value, c.commission.value])).toEqual([
        ['partially_refunded', '1617', '10.00', '1.92'],
        ['paid', '1235', '7.64', '1.68'],
      ]);
      const performance = await read(l.admin, `/api/campaigns/${campaign}/performance`);
      expect(performance).toEqual({
        currency: 'EUR',
        totals: { orders: 2, sales: eur('17.64'), commission: eur('3.60'), clicks: 0, conversionRate: null },
        creators: [
          { creatorId: kenji, name: 'Kenji', orders: 2, sales: eur('17.64'), commission: eur('3.60'), clicks: 0, conversionRate: null },
        ],
      });
      const dashboard = await read(l.admin, '/api/dashboard');
      expect([dashboard.totalSales, dashboard.commission, dashboard.orders]).toEqual([eur('17.64'), eur('3.60'), 2]);
      // 03:00Z and 04:00Z are noon and 13:00 in Tokyo, the same day.
      expect(dashboard.series).toEqual([{ date: DAY, sales: eur('17.64') }]);
    });

    it('leaves a conversion without a rate out of every total and says how many', async () => {
      // The ECB never published NGN, so its orders cannot be converted until a rate is added.
      const l = await newLedger(t.app, { defaultCurrency: 'USD', timeZone: 'UTC' });
      const naira = await l.store('NGN');
      const euro = await l.store('EUR');
      const campaign = await l.campaign('Lagos', { percent: '10' });
      const dayo = await l.creator('Dayo');
      await l.member(campaign, dayo, ['DAYO']);
      const missing = await l.order(naira, { createdAt: at(8), subtotal: '5000.00', status: 'paid', codes: ['DAYO'] });
      await l.order(naira, { createdAt: at(9), subtotal: '1000.00', status: 'pending', codes: ['DAYO'] });
      const rejected = await l.order(naira, { createdAt: at(10), subtotal: '2000.00', status: 'paid', codes: ['DAYO'] });
      await l.order(euro, { createdAt: at(11), subtotal: '100.00', status: 'paid', codes: ['DAYO'] });
      expect((await l.admin.post(`/api/conversions/${rejected.conversionId}/reject`)).status).toBe(200);

      expect(await read(l.admin, `/api/conversions/${missing.conversionId}`)).toMatchObject({
        amount: { value: '5000.00', currency: 'NGN' },
        converted: null,
        fxMissing: true,
        commission: null,
        counted: false,
      });
      const dashboard = await read(l.admin, '/api/dashboard');
      // Only the approved, paid NGN order would count: the pending and the rejected one would not.
      expect(dashboard).toMatchObject({ totalSales: usd('109.25'), orders: 1, commission: usd('10.92'), fxMissing: 1 });
      expect(dashboard.series).toEqual([{ date: DAY, sales: usd('109.25') }]);
      const performance = await read(l.admin, `/api/campaigns/${campaign}/performance`);
      expect(performance.totals).toEqual({ orders: 1, sales: usd('109.25'), commission: usd('10.92'), clicks: 0, conversionRate: null });
      expect((await read(l.admin, '/api/community')).creators.map(figures)).toEqual([['Dayo', 1, '109.25', '10.92']]);
      expect((await read(l.admin, '/api/dashboard?from=2024-03-15')).fxMissing).toBe(0);
    });
  });

  describe('removal (SPEC §6)', () => {
    it('hides removed members and creators where the spec says, and counts them on the dashboard', async () => {
      const l = await newLedger(t.app, { defaultCurrency: 'USD', timeZone: 'Europe/Paris' });
      const store = await l.store('EUR');
      const spring = await l.campaign('Spring', { percent: '10' });
      const summer = await l.campaign('Summer', { percent: '10' });
      const ana = await l.creator('Ana');
      const ben = await l.creator('Ben');
      await l.member(spring, ana, ['ANA']);
      await l.member(spring, ben, ['BEN']);
      await l.member(summer, ben, ['BENSUMMER']);
      await l.order(store, { createdAt: at(8), subtotal: '100.00', status: 'paid', codes: ['ANA'] }); // 109.25 / 10.92
      await l.order(store, { createdAt: at(9), subtotal: '80.00', status: 'paid', codes: ['BEN'] }); // 87.40 / 8.74
      await l.order(store, { createdAt: at(10), subtotal: '20.00', status: 'paid', codes: ['BENSUMMER'] }); // 21.85 / 2.18

      const everything = {
        totalSales: usd('218.50'),
        orders: 3,
        commission: usd('21.84'),
        campaigns: [
          { campaignId: spring, name: 'Spring', orders: 2, sales: usd('196.65'), commission: usd('19.66') },
          { campaignId: summer, name: 'Summer', orders: 1, sales: usd('21.85'), commission: usd('2.18') },
        ],
      };
      expect(await read(l.admin, '/api/dashboard')).toMatchObject(everything);

      // Ben leaves Spring: hidden on its Performance tab, still in the Community with all his sales.
      await l.removeMember(spring, ben);
      const performance = await read(l.admin, `/api/campaigns/${spring}/performance`);
      expect(performance.creators.map(figures)).toEqual([['Ana', 1, '109.25', '10.92']]);
      expect(performance.totals).toEqual({ orders: 1, sales: usd('109.25'), commission: usd('10.92'), clicks: 0, conversionRate: null });
      const list = await read(l.admin, `/api/campaigns/${spring}/conversions`);
      expect(list.items.map((c: { creatorName: string }) => c.creatorName)).toEqual(['Ana']);
      expect((await read(l.admin, `/api/campaigns/${spring}/conversions?creatorId=${ben}`)).items).toEqual([]);
      // 87.40 + 21.85 = 109.25 and 8.74 + 2.18 = 10.92: a tie with Ana, broken by name.
      expect((await read(l.admin, '/api/community')).creators.map(figures)).toEqual([
        ['Ana', 1, '109.25', '10.92'],
        ['Ben', 2, '109.25', '10.92'],
      ]);
      expect(await read(l.admin, '/api/dashboard')).toMatchObject(everything);

      // Ana leaves the Community: hidden there and on Performance, still counted on the dashboard.
      await l.removeCreator(ana);
      expect((await read(l.admin, '/api/community')).creators.map(figures)).toEqual([['Ben', 2, '109.25', '10.92']]);
      const empty = await read(l.admin, `/api/campaigns/${spring}/performance`);
      expect(empty).toEqual({
        currency: 'USD',
        totals: { orders: 0, sales: usd('0.00'), commission: usd('0.00'), clicks: 0, conversionRate: null },
        creators: [],
      });
      expect((await read(l.admin, `/api/campaigns/${spring}/conversions`)).items).toEqual([]);
      expect(await read(l.admin, '/api/dashboard')).toMatchObject(everything);

      // Adding Ben back shows his history again.
      await l.member(spring, ben);
      expect((await read(l.admin, `/api/campaigns/${spring}/performance`)).creators.map(figures)).toEqual([['Ben', 1, '87.40', '8.74']]);
      expect((await read(l.admin, `/api/campaigns/${spring}/conversions`)).items).toHaveLength(1);
    });
  });

  describe("ranges in the account's time zone", () => {
    // 23:30Z on the 14th is 00:30 on the 15th in Paris (UTC+1 in March before the change to
    // summer time); 22:30Z is still the 14th. Both convert at the 14th's rate, the UTC day.
    // 100.00 EUR -> 109.25 USD (10.92); 10.00 EUR -> 10.925 -> 10.92 USD (1.092 -> 1.09).
    let l: Awaited<ReturnType<typeof newLedger>>;
    let campaign: string;
    beforeAll(async () => {
      l = await newLedger(t.app, { defaultCurrency: 'USD', timeZone: 'Europe/Paris' });
      const store = await l.store('EUR');
      campaign = await l.campaign('Night', { percent: '10' });
      const ana = await l.creator('Ana');
      await l.member(campaign, ana, ['ANA']);
      await l.order(store, { createdAt: '2024-03-14T23:30:00Z', subtotal: '100.00', status: 'paid', codes: ['ANA'] }, 'LATE');
      await l.order(store, { createdAt: '2024-03-14T22:30:00Z', subtotal: '10.00', status: 'paid', codes: ['ANA'] }, 'EARLY');
    });

    it('puts an order at 23:30 UTC on the next day in Paris', async () => {
      const next = await read(l.admin, '/api/dashboard?from=2024-03-15&to=2024-03-15');
      expect([next.totalSales, next.orders, next.commission]).toEqual([usd('109.25'), 1, usd('10.92')]);
      expect(next.series).toEqual([{ date: '2024-03-15', sales: usd('109.25') }]);
      const same = await read(l.admin, '/api/dashboard?from=2024-03-14&to=2024-03-14');
      expect([same.totalSales, same.orders, same.commission]).toEqual([usd('10.92'), 1, usd('1.09')]);
      expect(same.series).toEqual([{ date: '2024-03-14', sales: usd('10.92') }]);
      const orders = async (query: string) =>
        (await read(l.admin, `/api/campaigns/${campaign}/conversions?${query}`)).items.map((c: { orderId: string }) => c.orderId);
      expect(await orders('from=2024-03-15&to=2024-03-15')).toEqual(['LATE']);
      expect(await orders('to=2024-03-14')).toEqual(['EARLY']);
      expect((await read(l.admin, `/api/campaigns/${campaign}/performance?from=2024-03-15`)).totals.sales).toEqual(usd('109.25'));
      expect((await read(l.admin, '/api/community?to=2024-03-14')).creators.map(figures)).toEqual([['Ana', 1, '10.92', '1.09']]);
    });

    it('takes ISO timestamps, both bounds inclusive', async () => {
      const orders = async (query: string) =>
        (await read(l.admin, `/api/campaigns/${campaign}/conversions?${query}`)).items.map((c: { orderId: string }) => c.orderId);
      expect(await orders('from=2024-03-14T23:30:00Z&to=2024-03-14T23:30:00Z')).toEqual(['LATE']);
      expect(await orders('from=2024-03-14T23:30:00.001Z')).toEqual([]);
      expect(await orders('to=2024-03-14T23:29:59.999Z')).toEqual(['EARLY']);
      // An offset names the same instant: 00:30 in Paris is 23:30Z.
      expect(await orders('from=2024-03-15T00:30:00%2B01:00')).toEqual(['LATE']);
      const dashboard = await read(l.admin, '/api/dashboard?from=2024-03-14T22:00:00Z&to=2024-03-15T12:00:00Z');
      // The series runs over the Paris days of both bounds: the 14th (23:00) and the 15th.
      expect(dashboard.series).toEqual([
        { date: '2024-03-14', sales: usd('10.92') },
        { date: '2024-03-15', sales: usd('109.25') },
      ]);
    });

    it('gives one series entry per day of the range, zero days included, summing to the total', async () => {
      const dashboard = await read(l.admin, '/api/dashboard?from=2024-03-12&to=2024-03-17');
      expect(dashboard.series).toEqual([
        { date: '2024-03-12', sales: usd('0.00') },
        { date: '2024-03-13', sales: usd('0.00') },
        { date: '2024-03-14', sales: usd('10.92') },
        { date: '2024-03-15', sales: usd('109.25') },
        { date: '2024-03-16', sales: usd('0.00') },
        { date: '2024-03-17', sales: usd('0.00') },
      ]);
      expect(dashboard.totalSales).toEqual(usd('120.17'));
      expect(
        sumMoney(
          dashboard.series.map((d: { sales: Row['sales'] }) => d.sales),
          'USD',
        ),
      ).toBe('120.17');
      // Unbounded: from the first to the last day with a conversion.
      expect((await read(l.admin, '/api/dashboard')).series.map((d: { date: string }) => d.date)).toEqual(['2024-03-14', '2024-03-15']);
      // Half-bounded: the open end stops at the last day with a conversion.
      expect((await read(l.admin, '/api/dashboard?from=2024-03-13')).series.map((d: { date: string }) => d.date)).toEqual([
        '2024-03-13',
        '2024-03-14',
        '2024-03-15',
      ]);
      // Across the change to summer time (31 March in Paris) days stay calendar days.
      const spring = await read(l.admin, '/api/dashboard?from=2024-03-30&to=2024-04-01');
      expect(spring.series.map((d: { date: string }) => d.date)).toEqual(['2024-03-30', '2024-03-31', '2024-04-01']);
    });

    it('answers an account without conversions with zeros and an empty series', async () => {
      const fresh = await newLedger(t.app, { defaultCurrency: 'JPY', timeZone: 'UTC' });
      const campaign = await fresh.campaign('Empty');
      expect(await read(fresh.admin, '/api/dashboard')).toEqual({
        currency: 'JPY',
        totalSales: { value: '0', currency: 'JPY' },
        orders: 0,
        commission: { value: '0', currency: 'JPY' },
        fxMissing: 0,
        campaigns: [
          {
            campaignId: campaign,
            name: 'Empty',
            orders: 0,
            sales: { value: '0', currency: 'JPY' },
            commission: { value: '0', currency: 'JPY' },
          },
        ],
        series: [],
      });
      expect(await read(fresh.admin, '/api/community')).toEqual({
        currency: 'JPY',
        count: 0,
        totals: {
          orders: 0,
          sales: { value: '0', currency: 'JPY' },
          commission: { value: '0', currency: 'JPY' },
          clicks: 0,
          conversionRate: null,
        },
        creators: [],
        nextCursor: null,
      });
      // Another account's figures never leak in.
      expect((await read(l.admin, '/api/dashboard')).orders).toBe(2);
    });

    it.each([
      ['from=2024-02-30'],
      ['to=2024-13-01'],
      ['from=2024-03-15&to=2024-03-14'],
      ['from=2024-03-15T00:00:00Z&to=2024-03-14T00:00:00Z'],
      ['from=2024-03-14T10:00:00'],
      ['from=0001-01-01&to=9999-12-31'],
    ])('refuses %s with 400', async (query) => {
      for (const path of ['/api/dashboard', `/api/campaigns/${campaign}/performance`, '/api/community']) {
        if (path !== '/api/dashboard' && query.startsWith('from=0001')) continue;
        const res = await l.admin.get(`${path}?${query}`);
        expect(res.status, path).toBe(400);
        expect(res.body.error.code).toBe('invalid_input');
      }
    });
  });

  describe('a day cut within an hour', () => {
    // Kolkata is UTC+05:30, so its midnight falls within a UTC hour: 18:30Z on the 14th. A cut
    // day's sums per campaign are read as whole UTC hours and the minutes around them; each
    // order below sits on one side of an hour's edge, a bound or that midnight, and each sale is
    // a power of two, so any order counted twice or missed shows in the totals.
    let l: Awaited<ReturnType<typeof newLedger>>;
    beforeAll(async () => {
      l = await newLedger(t.app, { defaultCurrency: 'EUR', timeZone: 'Asia/Kolkata' });
      const store = await l.store('EUR');
      const naira = await l.store('NGN');
      const spring = await l.campaign('Spring', { percent: '10' });
      const autumn = await l.campaign('Autumn', { percent: '10' });
      await l.member(spring, await l.creator('Ana'), ['ANA']);
      await l.member(autumn, await l.creator('Ben'), ['BEN']);
      const orders: Array<[string, string, string]> = [
        ['2024-03-14T09:10:00Z', '1.00', 'ANA'],
        ['2024-03-14T09:50:00Z', '2.00', 'ANA'],
        ['2024-03-14T10:00:00Z', '4.00', 'ANA'],
        ['2024-03-14T10:59:59.999Z', '8.00', 'BEN'],
        ['2024-03-14T11:00:00Z', '16.00', 'ANA'],
        ['2024-03-14T11:20:00Z', '32.00', 'ANA'],
        ['2024-03-14T18:15:00Z', '64.00', 'ANA'], // 23:45 on the 14th in Kolkata
        ['2024-03-14T18:45:00Z', '128.00', 'BEN'], // 00:15 on the 15th
        ['2024-03-14T20:10:00Z', '256.00', 'ANA'],
        ['2024-03-15T11:20:00Z', '512.00', 'ANA'],
        ['2024-03-15T11:20:00.001Z', '1024.00', 'ANA'],
      ];
      for (const [createdAt, subtotal, code] of orders) await l.order(store, { createdAt, subtotal, status: 'paid', codes: [code] });
      // No rate for NGN: countable, left out of the sums, counted as missing.
      await l.order(naira, { createdAt: '2024-03-14T09:40:00Z', subtotal: '100.00', status: 'paid', codes: ['ANA'] });
      await l.order(naira, { createdAt: '2024-03-14T10:30:00Z', subtotal: '100.00', status: 'paid', codes: ['BEN'] });
    });

    const sums = (r: { campaigns: Array<Row & { name: string }> }) => r.campaigns.map(figures);

    it('reads a range of two part days (15:00 on the 14th to 00:30 on the 15th in Kolkata) exactly', async () => {
      const dashboard = await read(l.admin, '/api/dashboard?from=2024-03-14T09:30:00Z&to=2024-03-14T19:00:00Z');
      expect([dashboard.totalSales, dashboard.orders, dashboard.commission, dashboard.fxMissing]).toEqual([
        eur('254.00'),
        7,
        eur('25.40'),
        2,
      ]);
      expect(sums(dashboard)).toEqual([
        ['Autumn', 2, '136.00', '13.60'],
        ['Spring', 5, '118.00', '11.80'],
      ]);
      expect(dashboard.series).toEqual([
        { date: '2024-03-14', sales: eur('126.00') },
        { date: '2024-03-15', sales: eur('128.00') },
      ]);
      const community = await read(l.admin, '/api/community?from=2024-03-14T09:30:00Z&to=2024-03-14T19:00:00Z');
      expect(community.creators.map(figures)).toEqual([
        ['Ben', 2, '136.00', '13.60'],
        ['Ana', 5, '118.00', '11.80'],
      ]);
    });

    it('reads a whole day and two part days (17:30 on the 13th to 16:50 on the 15th) exactly, the bound inclusive', async () => {
      const query = 'from=2024-03-13T12:00:00Z&to=2024-03-15T11:20:00Z';
      const dashboard = await read(l.admin, `/api/dashboard?${query}`);
      expect([dashboard.totalSales, dashboard.orders, dashboard.commission, dashboard.fxMissing]).toEqual([
        eur('1023.00'),
        10,
        eur('102.30'),
        2,
      ]);
      expect(sums(dashboard)).toEqual([
        ['Spring', 8, '887.00', '88.70'],
        ['Autumn', 2, '136.00', '13.60'],
      ]);
      expect(dashboard.series).toEqual([
        { date: '2024-03-13', sales: eur('0.00') },
        { date: '2024-03-14', sales: eur('127.00') },
        { date: '2024-03-15', sales: eur('896.00') },
      ]);
      const community = await read(l.admin, `/api/community?${query}`);
      expect(community.creators.map(figures)).toEqual([
        ['Ana', 8, '887.00', '88.70'],
        ['Ben', 2, '136.00', '13.60'],
      ]);
      // From 09:51Z, the order at 09:50Z is out.
      const later = await read(l.admin, '/api/dashboard?from=2024-03-14T09:51:00Z&to=2024-03-14T19:00:00Z');
      expect([later.totalSales, later.orders]).toEqual([eur('252.00'), 6]);
    });
  });
});
