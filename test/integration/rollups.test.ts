import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inRange, parseRange, type RangeInput } from '../../src/app/reports/range.ts';
import { toMoney } from '../../src/core/money.ts';
import { newLedger, read } from '../support/fixtures-ledger.ts';
import { describeDb, startTestApp, type TestApp } from '../support/harness.ts';
import { prng } from '../support/prng.ts';

// The rollups are a cache of sums that must never drift from the rows they sum. Concurrent
// clients change conversions every way the API allows (new orders, status and refund changes,
// reject and undo, a default currency change, a time zone change) plus direct deletes; then
// every rollup row must equal a GROUP BY over the conversions, and every report must equal the
// plain sums over the rows of its range. The seed is in the test name: set TALLY_SEED to rerun.

const SEED = Number(process.env.TALLY_SEED ?? 7_340_113);
const WORKERS = 6;
const STEPS = 30;

describeDb('rollups', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it(`equal the GROUP BY of the conversions after randomized concurrent changes (seed ${SEED})`, async () => {
    // Setup and the schedule draw from the seed; each worker then draws from a generator of its
    // own and changes its own orders, so a run's choices do not depend on how the workers
    // interleave. They share the members and days, so they race on the same rollup rows.
    const random = prng(SEED);
    const pickWith = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
    const l = await newLedger(t.app, { defaultCurrency: 'EUR', timeZone: 'Europe/Paris' });
    // NGN has no ECB rate: its countable orders are left out and counted as fxMissing.
    const stores = await Promise.all(['EUR', 'USD', 'JPY', 'NGN'].map(async (currency) => ({ id: await l.store(currency), currency })));
    const campaigns = [
      await l.campaign('Spring', { percent: '10' }),
      await l.campaign('Summer', { percent: '7.5', fixed: { value: '1.00', currency: 'USD' } }),
      await l.campaign('Autumn', { fixed: { value: '150', currency: 'JPY' } }),
    ];
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const creator = await l.creator(`Creator ${i}`);
      // Each creator in one or two campaigns, one code per membership.
      for (const campaign of i % 2 === 0 ? [campaigns[i % 3]!] : [campaigns[i % 3]!, campaigns[(i + 1) % 3]!]) {
        const code = `C${i}${campaign}`;
        await l.member(campaign, creator, [code]);
        codes.push(code);
      }
    }

    type Placed = { store: (typeof stores)[number]; id: string; createdAt: string; subtotal: number; conversionId: string | null };
    let version = 0;
    const updatedAt = () => new Date(Date.UTC(2024, 5, 1) + ++version * 1000).toISOString();
    const amount = (store: Placed['store'], units: number) =>
      store.currency === 'JPY' ? String(units * 100) : `${units}.${String(units % 100).padStart(2, '0')}`;
    // Across midnights in Paris and month and year ends, so rows sit on both sides of every cut.
    const createdAt = (r: () => number) =>
      new Date(Date.UTC(2023, 11, 20) + Math.floor(r() * 80 * 24) * 3_600_000 + Math.floor(r() * 3600) * 1000).toISOString();

    const body = (r: () => number, p: Placed, status: string, refunded?: number) => ({
      number: p.id,
      createdAt: p.createdAt,
      updatedAt: updatedAt(),
      currency: p.store.currency,
      subtotal: amount(p.store, p.subtotal),
      ...(refunded !== undefined && { refunded: amount(p.store, refunded) }),
      status,
      codes: r() < 0.9 ? [pickWith(r, codes)] : [],
    });
    const steps: Array<() => Promise<void>> = [];
    const schedule = Array.from({ length: WORKERS }, (_, w) =>
      Array.from({ length: STEPS }, (_, s) => {
        if (w === 1 && s === 12) return 'currency' as const;
        if (w === 2 && s === 18) return 'zone' as const;
        const r = random();
        return r < 0.45
          ? ('new' as const)
          : r < 0.7
            ? ('update' as const)
            : r < 0.82
              ? ('reject' as const)
              : r < 0.94
                ? ('approve' as const)
                : ('delete' as const);
      }),
    );
    const run = async (w: number, r: () => number, placed: Placed[], op: (typeof schedule)[number][number]) => {
      const existing = placed.length > 0 ? pickWith(r, placed) : null;
      if (op === 'new' || !existing) {
        const store = pickWith(r, stores);
        const p: Placed = {
          store,
          id: `W${w}-${placed.length}`,
          createdAt: createdAt(r),
          subtotal: 1 + Math.floor(r() * 900),
          conversionId: null,
        };
        placed.push(p);
        const res = await l.admin.put(
          `/api/stores/${store.id}/orders/${p.id}`,
          body(r, p, pickWith(r, ['paid', 'paid', 'pending', 'canceled'])),
        );
        expect(res.status, res.text).toBe(200);
        p.conversionId = res.body.conversionId;
      } else if (op === 'update') {
        const status = pickWith(r, ['paid', 'paid', 'pending', 'refunded', 'canceled']);
        const refunded = status === 'paid' && r() < 0.5 ? Math.floor(r() * existing.subtotal) : undefined;
        const res = await l.admin.put(`/api/stores/${existing.store.id}/orders/${existing.id}`, body(r, existing, status, refunded));
        expect(res.status, res.text).toBe(200);
      } else if (op === 'reject' || op === 'approve') {
        if (!existing.conversionId) return;
        const res = await l.admin.post(`/api/conversions/${existing.conversionId}/${op}`);
        // 409: already in that state; 404: deleted meanwhile.
        expect([200, 404, 409], res.text).toContain(res.status);
      } else if (op === 'delete') {
        if (!existing.conversionId) return;
        await t.db.transaction().execute(async (trx) => {
          // As every writer of conversions does: the account first, key-share (see ingestOrder).
          await trx.selectFrom('accounts').select('id').where('id', '=', l.accountId).forKeyShare().execute();
          await trx
            .deleteFrom('approval_events')
            .where('account_id', '=', l.accountId)
            .where('conversion_id', '=', existing.conversionId!)
            .execute();
          await trx.deleteFrom('conversions').where('account_id', '=', l.accountId).where('id', '=', existing.conversionId!).execute();
        });
      } else if (op === 'currency') {
        expect((await l.admin.patch('/api/account', { defaultCurrency: 'USD' })).status).toBe(200);
      } else {
        expect((await l.admin.patch('/api/account', { timeZone: 'America/New_York' })).status).toBe(200);
      }
    };
    schedule.forEach((plan, w) => {
      const r = prng(SEED + 1 + w);
      const placed: Placed[] = [];
      steps.push(async () => {
        for (const op of plan) await run(w, r, placed, op);
      });
    });
    await Promise.all(steps.map((s) => s()));

    // Every rollup row equals the GROUP BY over the conversions (rows that reached zero aside).
    const counts = await sql<{ conversions: number; counted: number; missing: number }>`
      select count(*)::int as conversions, (count(*) filter (where counted))::int as counted,
             (count(*) filter (where fx_missing))::int as missing from conversions`.execute(t.db);
    const c = counts.rows[0]!;
    expect(c.conversions).toBeGreaterThan(50);
    expect(c.counted).toBeGreaterThan(10);
    expect(c.missing).toBeGreaterThan(1);

    const grouped = (grain: string, keys: string, table: string, extra = '') =>
      sql.raw(`
      with grouped as (
        select c.account_id, ${grain} as t, ${keys ? `${keys},` : ''}
               (count(*) filter (where c.counted))::bigint as orders,
               coalesce(sum(c.converted_minor) filter (where c.counted), 0)::bigint as sales,
               coalesce(sum(coalesce(c.commission_minor, 0)) filter (where c.counted), 0)::bigint as commission
               ${extra ? `, (count(*) filter (where ${extra}))::bigint as fx_missing` : ''}
        from conversions c join accounts a on a.id = c.account_id group by 1, 2${
          keys
            ? `, ${keys
                .split(',')
                .map((_, i) => i + 3)
                .join(', ')}`
            : ''
        }
      ),
      truth as (select * from grouped where orders <> 0 or sales <> 0 or commission <> 0 ${extra ? 'or fx_missing <> 0' : ''}),
      stored as (select * from ${table} where orders <> 0 or sales <> 0 or commission <> 0 ${extra ? 'or fx_missing <> 0' : ''})
      select 'missing' as side, * from (select * from truth except select * from stored) d
      union all select 'extra', * from (select * from stored except select * from truth) e`);
    const day = `(c.order_date at time zone a.time_zone)::date`;
    const month = `date_trunc('month', ${day})::date`;
    const countableMissing = `c.fx_missing and c.approval = 'approved' and c.status in ('paid', 'partially_refunded')`;
    const truthCounts = await sql<{ n: number }>`select count(*)::int as n from rollup_member_days where orders > 0`.execute(t.db);
    expect(truthCounts.rows[0]!.n).toBeGreaterThan(10);
    expect((await grouped(day, 'c.campaign_id, c.creator_id', 'rollup_member_days').execute(t.db)).rows).toEqual([]);
    expect((await grouped(month, 'c.campaign_id, c.creator_id', 'rollup_member_months').execute(t.db)).rows).toEqual([]);
    expect((await grouped(day, 'c.campaign_id', 'rollup_campaign_days', countableMissing).execute(t.db)).rows).toEqual([]);
    const year = `date_trunc('year', ${day})::date`;
    expect((await grouped(year, 'c.campaign_id, c.creator_id', 'rollup_member_years').execute(t.db)).rows).toEqual([]);
    expect((await grouped(month, 'c.campaign_id', 'rollup_campaign_months', countableMissing).execute(t.db)).rows).toEqual([]);
    // The creator rollups (across campaigns) likewise, at every grain.
    const creatorRows = await sql<{ n: number }>`select count(*)::int as n from rollup_creator_days where orders > 0`.execute(t.db);
    expect(creatorRows.rows[0]!.n).toBeGreaterThan(10);
    expect((await grouped(day, 'c.creator_id', 'rollup_creator_days').execute(t.db)).rows).toEqual([]);
    expect((await grouped(month, 'c.creator_id', 'rollup_creator_months').execute(t.db)).rows).toEqual([]);
    expect((await grouped(year, 'c.creator_id', 'rollup_creator_years').execute(t.db)).rows).toEqual([]);
    // The creator quarters and ISO weeks, and the campaign hours (UTC).
    const week = `date_trunc('week', ${day})::date`;
    const quarter = `date_trunc('quarter', ${day})::date`;
    const hour = `date_trunc('hour', c.order_date, 'UTC')`;
    for (const [table, min] of [
      ['rollup_creator_weeks', 10],
      ['rollup_creator_quarters', 5],
      ['rollup_campaign_hours', 20],
    ] as const) {
      const rows = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where orders > 0`.execute(t.db);
      expect(rows.rows[0]!.n, table).toBeGreaterThan(min);
    }
    expect((await grouped(week, 'c.creator_id', 'rollup_creator_weeks').execute(t.db)).rows).toEqual([]);
    expect((await grouped(quarter, 'c.creator_id', 'rollup_creator_quarters').execute(t.db)).rows).toEqual([]);
    expect((await grouped(hour, 'c.campaign_id', 'rollup_campaign_hours').execute(t.db)).rows).toEqual([]);
    // The account's days (the dashboard's daily series).
    const accountDays = await sql<{ n: number }>`select count(*)::int as n from rollup_account_days where orders > 0`.execute(t.db);
    expect(accountDays.rows[0]!.n).toBeGreaterThan(5);
    expect((await grouped(day, '', 'rollup_account_days').execute(t.db)).rows).toEqual([]);
    const negative = await sql<{ n: number }>`
      select (select count(*) from rollup_member_days where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_member_months where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_member_years where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_campaign_months where orders < 0 or fx_missing < 0)
           + (select count(*) from rollup_campaign_days where orders < 0 or fx_missing < 0)
           + (select count(*) from rollup_creator_days where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_creator_months where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_creator_years where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_account_days where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_creator_weeks where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_creator_quarters where orders < 0 or sales < 0 or commission < 0)
           + (select count(*) from rollup_campaign_hours where orders < 0 or sales < 0 or commission < 0) as n`.execute(t.db);
    expect(Number(negative.rows[0]!.n)).toBe(0);

    // Every report equals the plain sums over the rows of its range, whole days, cut days and
    // ranges within a day alike.
    const account = await t.db
      .selectFrom('accounts')
      .select(['default_currency', 'time_zone'])
      .where('id', '=', l.accountId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ default_currency: 'USD', time_zone: 'America/New_York' });
    const money = (minor: bigint | string | null) => toMoney(BigInt(minor ?? 0), 'USD');
    const ranges: RangeInput[] = [
      {},
      { from: '2024-02-01', to: '2024-02-29' },
      { from: '2024-01-31T22:30:00Z', to: '2024-03-01T00:30:00+01:00' },
      { from: '2024-02-10T05:00:00Z', to: '2024-02-10T18:00:00Z' },
      { from: '2024-02-10T20:00:00-05:00', to: '2024-02-11T09:00:00Z' },
      { from: '2024-02-15' },
      { to: '2024-02-15T12:00:00Z' },
      { from: '2024-02-03', to: '2024-03-02T04:59:59Z' },
      { from: '2023-12-15', to: '2025-01-10' },
      { from: '2024-01-01T05:00:00Z' },
      // Cut days read as whole hours and the minutes around them; weeks and quarters.
      { from: '2024-01-08T10:20:00Z', to: '2024-02-20T14:40:00-05:00' },
      { from: '2024-02-05T03:00:00Z', to: '2024-02-05T20:59:59.999999Z' },
      { from: '2024-01-15T12:30:00Z', to: '2024-01-16T07:15:00Z' },
      { from: '2024-01-03', to: '2024-03-31T23:00:00+02:00' },
    ];
    for (const input of ranges) {
      const query = new URLSearchParams(input as Record<string, string>).toString();
      const within = inRange(sql.ref('c.order_date'), parseRange(input, account.time_zone));
      type Sum = { key: string; orders: number; sales: string | null; commission: string | null };
      const sums = async (key: string) => {
        const { rows } = await sql<Sum>`
          select ${sql.ref(key)}::text as key, count(*)::int as orders, sum(c.converted_minor)::text as sales, sum(c.commission_minor)::text as commission
          from conversions c where c.account_id = ${l.accountId} and c.counted and ${within} group by 1`.execute(t.db);
        return new Map(rows.map((r) => [r.key, r]));
      };
      const figures = (s: Sum | undefined) => ({
        orders: s?.orders ?? 0,
        sales: money(s?.sales ?? null),
        commission: money(s?.commission ?? null),
      });

      const dashboard = await read(l.admin, `/api/dashboard?${query}`);
      const byCampaign = await sums('c.campaign_id');
      const all = [...byCampaign.values()];
      const total = (f: 'sales' | 'commission') => all.reduce((s, r) => s + BigInt(r[f] ?? 0), 0n);
      expect({ orders: dashboard.orders, totalSales: dashboard.totalSales, commission: dashboard.commission }, query).toEqual({
        orders: all.reduce((s, r) => s + r.orders, 0),
        totalSales: money(total('sales')),
        commission: money(total('commission')),
      });
      for (const row of dashboard.campaigns) {
        expect({ orders: row.orders, sales: row.sales, commission: row.commission }, query).toEqual(
          figures(byCampaign.get(row.campaignId)),
        );
      }
      const missing = await sql<{ n: number }>`
        select count(*)::int as n from conversions c
        where c.account_id = ${l.accountId} and ${sql.raw(countableMissing)} and ${within}`.execute(t.db);
      expect(dashboard.fxMissing, query).toBe(missing.rows[0]!.n);
      const byDay = await sql<{ day: string; sales: string }>`
        select ((c.order_date at time zone ${account.time_zone})::date)::text as day, sum(c.converted_minor)::text as sales
        from conversions c where c.account_id = ${l.accountId} and c.counted and ${within} group by 1`.execute(t.db);
      const series = new Map(byDay.rows.map((r) => [r.day, money(r.sales)]));
      for (const point of dashboard.series) expect(point.sales, `${query} ${point.date}`).toEqual(series.get(point.date) ?? money(0n));
      expect(dashboard.series.filter((p: { sales: { value: string } }) => p.sales.value !== '0.00').length, query).toBe(series.size);

      const byCreator = await sums('c.creator_id');
      // The Community a page of 4 at a time: every creator once, each equal to its plain sums,
      // biggest sales first, and totals equal to the plain sums of all of them.
      const seen: Array<{ creatorId: string; orders: number; sales: { value: string }; commission: { value: string } }> = [];
      let cursor: string | null = null;
      let totals: unknown;
      do {
        const url: string = `/api/community?${query}&limit=4${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const page = await read(l.admin, url);
        expect(page.count, url).toBe(6);
        totals ??= page.totals;
        expect(page.totals, url).toEqual(totals);
        seen.push(...page.creators);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen, query).toHaveLength(6);
      expect(new Set(seen.map((r) => r.creatorId)).size, query).toBe(6);
      for (const row of seen) {
        expect({ orders: row.orders, sales: row.sales, commission: row.commission }, query).toEqual(figures(byCreator.get(row.creatorId)));
      }
      const minor = (r: { sales: { value: string } }) => BigInt(r.sales.value.replace('.', ''));
      for (let i = 1; i < seen.length; i += 1) {
        const [a, b] = [seen[i - 1]!, seen[i]!];
        expect(minor(a) > minor(b) || (minor(a) === minor(b) && BigInt(a.creatorId) < BigInt(b.creatorId)), query).toBe(true);
      }
      const creatorRows = [...byCreator.values()];
      const creatorTotal = (f: 'sales' | 'commission') => creatorRows.reduce((s, r) => s + BigInt(r[f] ?? 0), 0n);
      expect(totals, query).toMatchObject({
        orders: creatorRows.reduce((s, r) => s + r.orders, 0),
        sales: money(creatorTotal('sales')),
        commission: money(creatorTotal('commission')),
      });
      for (const campaign of campaigns) {
        const { rows } = await sql<Sum>`
          select c.creator_id::text as key, count(*)::int as orders, sum(c.converted_minor)::text as sales, sum(c.commission_minor)::text as commission
          from conversions c where c.account_id = ${l.accountId} and c.campaign_id = ${campaign} and c.counted and ${within} group by 1`.execute(
          t.db,
        );
        const expected = new Map(rows.map((r) => [r.key, r]));
        const performance = await read(l.admin, `/api/campaigns/${campaign}/performance?${query}`);
        for (const row of performance.creators) {
          expect({ orders: row.orders, sales: row.sales, commission: row.commission }, `${query} ${campaign}`).toEqual(
            figures(expected.get(row.creatorId)),
          );
        }
      }
    }
  });
});
