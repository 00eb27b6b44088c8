import { sql } from 'kysely';
import { conversionRate } from '../../core/conversion-rate.ts';
import { countableSql } from '../../core/counted.ts';
import { dayCount, daysBetween } from '../../core/day-spans.ts';
import { toMoney } from '../../core/money.ts';
import { visibleSql } from '../../core/visibility.ts';
import type { Db } from '../../db/connect.ts';
import {
  COMMUNITY_PAGE_DEFAULT,
  COMMUNITY_SORTS,
  type CommunitySort,
  type TCampaignFigures,
  type TCommunity,
  type TCommunityQuery,
  type TCreatorFigures,
  type TDashboard,
  type TPerformance,
} from '../../schemas/reports.ts';
import { AppError, notFound } from '../errors.ts';
import { decodeCursor, encodeCursor, isRowId } from './cursor.ts';
import { boundDay, inRange, localDay, parseRange, type Range, type RangeInput } from './range.ts';
import { campaignSums, creatorSums, dailySales, fxMissingCount, planRange, type RangePlan } from './rollups.ts';
import { nameOrHandleContains } from './search.ts';
import { inSnapshot } from './snapshot.ts';

// The figures of the home dashboard, a campaign's Performance tab and the Community (SPEC §3,
// §6, §10); the last two also count affiliate-link clicks (SPEC §5.2). A row counts when its
// stored `counted` flag says so; sums are done by the database on the rounded per-row figures
// and turned into bigint in `figuresOf` only. Every total is computed here from the rows it
// summarises, so the two always agree to the minor unit. The sums come from the rollups
// (src/app/reports/rollups.ts), which the database keeps equal to the sums of the conversion
// rows in the same transaction as every change.

type SumRow = { orders: number; sales: string; commission: string };
type Figures = { orders: number; salesMinor: bigint; commissionMinor: bigint };

const figuresOf = (row: SumRow): Figures => ({
  orders: row.orders,
  salesMinor: BigInt(row.sales),
  commissionMinor: BigInt(row.commission),
});

function sumFigures(rows: readonly Figures[]): Figures {
  return rows.reduce(
    (t, r) => ({
      orders: t.orders + r.orders,
      salesMinor: t.salesMinor + r.salesMinor,
      commissionMinor: t.commissionMinor + r.commissionMinor,
    }),
    { orders: 0, salesMinor: 0n, commissionMinor: 0n },
  );
}

const moneyOf = (f: Figures, currency: string) => ({
  orders: f.orders,
  sales: toMoney(f.salesMinor, currency),
  commission: toMoney(f.commissionMinor, currency),
});

// The (approval, status) pairs the core calls countable, so the dashboard's "left out for a
// missing rate" count restates no rule of its own.
const COUNTABLE = sql.raw<boolean>(countableSql('c'));

// A range's series has one entry per day; this bounds what one request can ask for.
const MAX_SERIES_DAYS = 36_600;

// Clicks on affiliate links in a range, summed per creator (within one campaign when given),
// by the click's day in the account's time zone; a timestamp bound counts its whole day.
function clickSums(accountId: string, range: Range, campaignId?: string) {
  const tz = range.timeZone;
  return sql`
    select l.creator_id as key, sum(k.total) as clicks
    from link_clicks k
    join links l on l.account_id = k.account_id and l.id = k.link_id
    where k.account_id = ${accountId}
      ${range.from ? sql`and k.day >= ${boundDay(range.from, tz)}` : sql``}
      ${range.to ? sql`and k.day <= ${boundDay(range.to, tz)}` : sql``}
      ${campaignId === undefined ? sql`` : sql`and l.campaign_id = ${campaignId}`}
    group by l.creator_id`;
}
const CLICK_COLUMN = sql`coalesce(k.clicks, 0)::text as clicks`;

const SUM_COLUMNS = sql`coalesce(s.orders, 0)::int as orders, coalesce(s.sales, 0)::text as sales,
      coalesce(s.commission, 0)::text as commission`;

interface ReportContext {
  currency: string;
  range: Range;
  plan: RangePlan;
}

async function contextOf(db: Db, accountId: string, input: RangeInput): Promise<ReportContext> {
  const account = await db
    .selectFrom('accounts')
    .select(['default_currency', 'time_zone'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  const range = parseRange(input, account.time_zone);
  return { currency: account.default_currency, range, plan: await planRange(db, accountId, range) };
}

/**
 * A campaign's creator table: one row per active member (SPEC §6 hides members removed from the
 * campaign and creators removed from the Community), zero rows included, biggest sales first.
 */
export function campaignPerformance(db: Db, accountId: string, campaignId: string, input: RangeInput): Promise<TPerformance> {
  return inSnapshot(db, (trx) => campaignPerformanceIn(trx, accountId, campaignId, input));
}

async function campaignPerformanceIn(db: Db, accountId: string, campaignId: string, input: RangeInput): Promise<TPerformance> {
  const { currency, range, plan } = await contextOf(db, accountId, input);
  const campaign = await db
    .selectFrom('campaigns')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '=', campaignId)
    .executeTakeFirst();
  if (!campaign) throw notFound('Campaign');

  const { rows } = await sql<SumRow & { creator_id: string; name: string; clicks: string }>`
    with sums as (${creatorSums(plan, campaignId)}),
      clicks as (${clickSums(accountId, range, campaignId)})
    select m.creator_id, cr.name, ${SUM_COLUMNS}, ${CLICK_COLUMN}
    from members m
    join creators cr on cr.account_id = m.account_id and cr.id = m.creator_id
    left join sums s on s.key = m.creator_id
    left join clicks k on k.key = m.creator_id
    where m.account_id = ${accountId} and m.campaign_id = ${campaignId}
      and ${sql.raw(visibleSql('campaign', { member: 'm', creator: 'cr' }))}
    order by coalesce(s.sales, 0) desc, cr.name, m.creator_id`.execute(db);

  const figures = rows.map(figuresOf);
  const clicks = rows.map((r) => BigInt(r.clicks));
  const totals = sumFigures(figures);
  const totalClicks = clicks.reduce((a, b) => a + b, 0n);
  return {
    currency,
    totals: { ...moneyOf(totals, currency), clicks: Number(totalClicks), conversionRate: conversionRate(totals.orders, totalClicks) },
    creators: rows.map((r, i) => creatorRow(r.creator_id, r.name, figures[i] as Figures, clicks[i] as bigint, currency)),
  };
}

const creatorRow = (creatorId: string, name: string, f: Figures, clicks: bigint, currency: string): TCreatorFigures => ({
  creatorId,
  name,
  ...moneyOf(f, currency),
  clicks: Number(clicks),
  conversionRate: conversionRate(f.orders, clicks),
});

/**
 * The home dashboard: every campaign (zero rows included), counting members and creators that
 * were removed (SPEC §6); the totals are the sum of the campaign rows, the series splits the
 * same figures by day in the account's time zone.
 */
export function dashboard(db: Db, accountId: string, input: RangeInput): Promise<TDashboard> {
  return inSnapshot(db, (trx) => dashboardIn(trx, accountId, input));
}

async function dashboardIn(db: Db, accountId: string, input: RangeInput): Promise<TDashboard> {
  const { currency, plan } = await contextOf(db, accountId, input);

  const campaigns = await sql<SumRow & { id: string; name: string }>`
    with sums as (${campaignSums(plan)})
    select ca.id, ca.name, ${SUM_COLUMNS}
    from campaigns ca
    left join sums s on s.key = ca.id
    where ca.account_id = ${accountId}
    order by coalesce(s.sales, 0) desc, ca.name, ca.id`.execute(db);

  const missing = await sql<{ count: number }>`${fxMissingCount(plan, COUNTABLE)}`.execute(db);

  const rows = campaigns.rows.map((r) => ({ id: r.id, name: r.name, figures: figuresOf(r) }));
  const totals = sumFigures(rows.map((r) => r.figures));
  return {
    currency,
    totalSales: toMoney(totals.salesMinor, currency),
    orders: totals.orders,
    commission: toMoney(totals.commissionMinor, currency),
    fxMissing: missing.rows[0]?.count ?? 0,
    campaigns: rows.map((r): TCampaignFigures => ({ campaignId: r.id, name: r.name, ...moneyOf(r.figures, currency) })),
    series: await dailySeries(db, plan, currency),
  };
}

/**
 * Counted sales per day in the account's time zone, one entry per day of the range, zero days
 * included. An open end of the range stops at the first or last day with a conversion.
 */
async function dailySeries(db: Db, plan: RangePlan, currency: string): Promise<TDashboard['series']> {
  const { accountId, range } = plan;
  const within = inRange(sql.ref('c.order_date'), range);
  const tz = range.timeZone;
  const extent = await sql<{ first: string | null; last: string | null }>`
    select
      coalesce(${boundDay(range.from, tz)},
        (select ${localDay(sql`min(c.order_date)`, tz)} from conversions c where c.account_id = ${accountId} and ${within})) as first,
      coalesce(${boundDay(range.to, tz)},
        (select ${localDay(sql`max(c.order_date)`, tz)} from conversions c where c.account_id = ${accountId} and ${within}))
        as last`.execute(db);
  const { first, last } = extent.rows[0] ?? { first: null, last: null };
  if (first === null || last === null || first > last) return [];
  const span = dayCount(first, last);
  if (span > MAX_SERIES_DAYS) {
    throw new AppError('invalid_input', `The range spans ${span} days; a daily series covers at most ${MAX_SERIES_DAYS}.`);
  }
  const days = daysBetween(first, last);

  const { rows } = await sql<{ day: string; sales: string }>`${dailySales(plan)}`.execute(db);
  const byDay = new Map(rows.map((r) => [r.day, BigInt(r.sales)]));
  return days.map((date) => ({ date, sales: toMoney(byDay.get(date) ?? 0n, currency) }));
}

/**
 * The Community: creators still in it (zero rows included), across every campaign, including
 * campaigns the creator was removed from (SPEC §6), one keyset page at a time. Sorting and
 * paging happen in the database over the summed figures; the totals and the count cover every
 * creator matching `q`, not only the page.
 */
export function community(db: Db, accountId: string, input: TCommunityQuery): Promise<TCommunity> {
  return inSnapshot(db, (trx) => communityIn(trx, accountId, input));
}

// The cursor is the last row's sort key: the sort it belongs to, the sorted value as text (a
// whole number of orders or minor units, or the name) and the creator id.
type CommunityCursor = { s: CommunitySort; v: string; i: string };
const WHOLE = /^-?[0-9]{1,40}$/;

function communityCursor(text: string, sort: CommunitySort): CommunityCursor {
  const cursor = decodeCursor(text, (c) =>
    typeof c.s === 'string' &&
    (COMMUNITY_SORTS as readonly string[]).includes(c.s) &&
    typeof c.v === 'string' &&
    isRowId(c.i) &&
    (c.s === 'name' ? c.v.length <= 200 && !c.v.includes('\u0000') : WHOLE.test(c.v))
      ? { s: c.s as CommunitySort, v: c.v, i: c.i }
      : null,
  );
  if (cursor.s !== sort) {
    throw new AppError('invalid_input', `The cursor belongs to sort=${cursor.s}, not sort=${sort}; start again without a cursor.`);
  }
  return cursor;
}

// Per sort: the column of `matching` it orders by and whether biggest comes first.
const COMMUNITY_ORDER: Record<CommunitySort, { column: string; descending: boolean }> = {
  sales: { column: 'sales', descending: true },
  orders: { column: 'orders', descending: true },
  commission: { column: 'commission', descending: true },
  name: { column: 'name', descending: false },
};

type CommunityRow = {
  count: number;
  total_orders: number;
  total_sales: string;
  total_commission: string;
  total_clicks: string;
  id: string | null;
  name: string | null;
  orders: number | null;
  sales: string | null;
  commission: string | null;
  clicks: string | null;
  sort_key: string | null;
};

async function communityIn(db: Db, accountId: string, input: TCommunityQuery): Promise<TCommunity> {
  const { currency, range, plan } = await contextOf(db, accountId, input);
  const sort = input.sort ?? 'sales';
  const limit = input.limit ?? COMMUNITY_PAGE_DEFAULT;
  const cursor = input.cursor === undefined ? null : communityCursor(input.cursor, sort);
  const { column, descending } = COMMUNITY_ORDER[sort];
  const key = sql.ref(`m.${column}`);
  // Numbers compare as numeric, so no cursor value can overflow a cast.
  const typed = sort === 'name' ? sql`${cursor?.v}::text` : sql`${cursor?.v}::numeric`;
  const after =
    cursor === null
      ? sql`true`
      : descending
        ? sql`(${key} < ${typed} or (${key} = ${typed} and m.id > ${cursor.i}::bigint))`
        : sql`(${key}, m.id) > (${typed}, ${cursor.i}::bigint)`;
  const order = (alias: string) => sql`${sql.ref(`${alias}.${column}`)} ${descending ? sql`desc` : sql`asc`}, ${sql.ref(`${alias}.id`)}`;
  const q = input.q === undefined || input.q === '' ? null : nameOrHandleContains(input.q, 'cr.name', 'cr.handle');

  // One statement: the sums of every matching creator feed both the totals and the page, so
  // the database computes them once. The totals row always exists; the page joins onto it.
  const { rows } = await sql<CommunityRow>`
    with sums as (${creatorSums(plan)}),
      clicks as (${clickSums(accountId, range)}),
      matching as (
        select cr.id, cr.name, coalesce(s.orders, 0)::int as orders, coalesce(s.sales, 0) as sales,
          coalesce(s.commission, 0) as commission, coalesce(k.clicks, 0) as clicks
        from creators cr
        left join sums s on s.key = cr.id
        left join clicks k on k.key = cr.id
        where cr.account_id = ${accountId} and ${sql.raw(visibleSql('community', { member: null, creator: 'cr' }))}
          ${q === null ? sql`` : sql`and ${q}`}
      ),
      totals as (
        select count(*)::int as count, coalesce(sum(orders), 0)::int as total_orders,
          coalesce(sum(sales), 0)::text as total_sales, coalesce(sum(commission), 0)::text as total_commission,
          coalesce(sum(clicks), 0)::text as total_clicks
        from matching
      )
    select t.*, p.id, p.name, p.orders, p.sales::text as sales, p.commission::text as commission,
      p.clicks::text as clicks, ${sql.ref(`p.${column}`)}::text as sort_key
    from totals t
    left join lateral (
      select * from matching m where ${after} order by ${order('m')} limit ${limit + 1}
    ) p on true
    order by ${order('p')}`.execute(db);

  const first = rows[0];
  if (!first) throw new Error('the Community totals row is missing');
  const page = rows.filter((r) => r.id !== null).slice(0, limit);
  const last = page.at(-1);
  const totals = figuresOf({ orders: first.total_orders, sales: first.total_sales, commission: first.total_commission });
  const totalClicks = BigInt(first.total_clicks);
  return {
    currency,
    count: first.count,
    totals: { ...moneyOf(totals, currency), clicks: Number(totalClicks), conversionRate: conversionRate(totals.orders, totalClicks) },
    creators: page.map((r) =>
      creatorRow(
        r.id as string,
        r.name as string,
        figuresOf({ orders: r.orders ?? 0, sales: r.sales ?? '0', commission: r.commission ?? '0' }),
        BigInt(r.clicks ?? '0'),
        currency,
      ),
    ),
    nextCursor: rows.length > limit && last ? encodeCursor({ s: sort, v: last.sort_key as string, i: last.id as string }) : null,
  };
}
