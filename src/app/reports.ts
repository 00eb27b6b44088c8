import { sql } from 'kysely';
import type { Approval } from '../core/approval.ts';
import { isCountable } from '../core/counted.ts';
import { conversionRate } from '../core/conversion-rate.ts';
import { toMoney } from '../core/money.ts';
import { STORE_STATUSES } from '../core/status.ts';
import type { Db } from '../db/connect.ts';
import type { TCampaignFigures, TCommunity, TCreatorFigures, TDashboard, TPerformance } from '../schemas/reports.ts';
import { AppError, notFound } from './errors.ts';
import { inSnapshot } from './snapshot.ts';
import { boundDay, dayCount, daysBetween, inRange, localDay, parseRange, type Range, type RangeInput } from './range.ts';
import { campaignSums, creatorSums, dailySales, fxMissingCount, planRange, type RangePlan } from './rollups.ts';

// The figures of the home dashboard, a campaign's Performance tab and the Community (SPEC §3,
// §6, §10); the last two also count affiliate-link clicks (SPEC §5.2). A row counts when its stored `counted` flag says so; sums are done by the database
// on the rounded per-row figures and turned into bigint in `figuresOf` only. Every total is
// computed here from the rows it summarises, so the two always agree to the minor unit. The
// sums come from the rollups (src/app/rollups.ts), which the database keeps equal to the sums of
// the conversion rows in the same transaction as every change.

type SumRow = { orders: number; sales: string; commission: string };
type Figures = { orders: number; salesMinor: bigint; commissionMinor: bigint };

const figuresOf = (row: SumRow): Figures => ({
  orders: row.orders,
  salesMinor: BigInt(row.sales),
  commissionMinor: BigInt(row.commission),
});

function sumFigures(rows: readonly Figures[]): Figures {
  return rows.reduce(
    (t, r) => ({ orders: t.orders + r.orders, salesMinor: t.salesMinor + r.salesMinor, commissionMinor: t.commissionMinor + r.commissionMinor }),
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
const APPROVALS: readonly Approval[] = ['approved', 'rejected'];
const COUNTABLE_PAIRS = APPROVALS.flatMap((approval) =>
  STORE_STATUSES.filter((status) => isCountable({ approval, status })).map((status) => sql`(${approval}, ${status})`),
);
const COUNTABLE = sql<boolean>`(c.approval, c.status) in (${sql.join(COUNTABLE_PAIRS)})`;

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
      and m.removed_at is null and cr.removed_at is null
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
  const { currency, range, plan } = await contextOf(db, accountId, input);

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
        (select ${localDay(sql`max(c.order_date)`, tz)} from conversions c where c.account_id = ${accountId} and ${within})) as last`.execute(db);
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
 * The Community: one row per creator still in it (zero rows included), across every campaign,
 * including campaigns the creator was removed from (SPEC §6).
 */
export function community(db: Db, accountId: string, input: RangeInput): Promise<TCommunity> {
  return inSnapshot(db, (trx) => communityIn(trx, accountId, input));
}

async function communityIn(db: Db, accountId: string, input: RangeInput): Promise<TCommunity> {
  const { currency, range, plan } = await contextOf(db, accountId, input);
  const { rows } = await sql<SumRow & { id: string; name: string; clicks: string }>`
    with sums as (${creatorSums(plan)}),
      clicks as (${clickSums(accountId, range)})
    select cr.id, cr.name, ${SUM_COLUMNS}, ${CLICK_COLUMN}
    from creators cr
    left join sums s on s.key = cr.id
    left join clicks k on k.key = cr.id
    where cr.account_id = ${accountId} and cr.removed_at is null
    order by coalesce(s.sales, 0) desc, cr.name, cr.id`.execute(db);
  return { currency, creators: rows.map((r) => creatorRow(r.id, r.name, figuresOf(r), BigInt(r.clicks), currency)) };
}
