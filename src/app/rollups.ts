import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { addDays, boundDay, dayStart, inRange, localDay, type Range } from './range.ts';

// How a report range is read: its whole days from the rollups (migration 0005), and the part of
// a day cut by a timestamp bound from the conversions themselves. Member sums read whole months
// from the monthly rollup and the days around them from the daily one. Every piece is disjoint
// from the others, so their sums add up to the sum over the range's conversions exactly.

/** Inclusive days; a null bound is open. */
export interface DaySpan {
  first: string | null;
  last: string | null;
}

export interface RangePlan {
  readonly accountId: string;
  readonly range: Range;
  /** The whole days of the range, or null when it has none. */
  readonly days: DaySpan | null;
  /** Predicates over `c.order_date` covering the rest of the range (partial days), disjoint. */
  readonly edges: readonly RawBuilder<boolean>[];
}

/** Splits a range into whole days and partial edges; one short query when a bound is a timestamp. */
export async function planRange(db: Db, accountId: string, range: Range): Promise<RangePlan> {
  const { from, to, timeZone } = range;
  if (from?.kind !== 'instant' && to?.kind !== 'instant') {
    return { accountId, range, days: { first: from?.day ?? null, last: to?.day ?? null }, edges: [] };
  }
  const { rows } = await sql<{ from: string | null; to: string | null }>`
    select ${boundDay(from, timeZone)}::text as "from", ${boundDay(to, timeZone)}::text as "to"`.execute(db);
  const bounds = rows[0] ?? { from: null, to: null };
  const first = from === null ? null : from.kind === 'day' ? from.day : addDays(bounds.from as string, 1);
  const last = to === null ? null : to.kind === 'day' ? to.day : addDays(bounds.to as string, -1);
  if (first !== null && last !== null && first > last) {
    // No whole day: the range lies within a day or two, read from the conversions.
    return { accountId, range, days: null, edges: [inRange(sql.ref('c.order_date'), range)] };
  }
  const edges: RawBuilder<boolean>[] = [];
  if (from?.kind === 'instant') {
    edges.push(sql<boolean>`(c.order_date >= ${from.at}::timestamptz and c.order_date < ${dayStart(first as string, timeZone)})`);
  }
  if (to?.kind === 'instant') {
    edges.push(sql<boolean>`(c.order_date >= ${dayStart(addDays(last as string, 1), timeZone)} and c.order_date <= ${to.at}::timestamptz)`);
  }
  return { accountId, range, days: { first, last }, edges };
}

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const addMonths = (month: string, n: number) => {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};

/** Whole months (by their first day) within the span, and the spans of days around them. */
export function splitMonths(span: DaySpan): { months: DaySpan | null; days: DaySpan[] } {
  const { first, last } = span;
  const firstMonth = first === null ? null : first.endsWith('-01') ? first : addMonths(monthStart(first), 1);
  const lastMonth = last === null ? null : addDays(last, 1).endsWith('-01') ? monthStart(last) : addMonths(monthStart(last), -1);
  if (firstMonth !== null && lastMonth !== null && firstMonth > lastMonth) return { months: null, days: [span] };
  const days: DaySpan[] = [];
  if (first !== null && firstMonth !== null && first < firstMonth) days.push({ first, last: addDays(firstMonth, -1) });
  if (last !== null && lastMonth !== null) {
    const afterMonths = addMonths(lastMonth, 1);
    if (last >= afterMonths) days.push({ first: afterMonths, last });
  }
  return { months: { first: firstMonth, last: lastMonth }, days };
}

function within(column: string, span: DaySpan): RawBuilder<boolean> {
  const ref = sql.ref(column);
  const parts = [
    ...(span.first === null ? [] : [sql<boolean>`${ref} >= ${span.first}::date`]),
    ...(span.last === null ? [] : [sql<boolean>`${ref} <= ${span.last}::date`]),
  ];
  return parts.length === 0 ? sql<boolean>`true` : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

const anyOf = (parts: readonly RawBuilder<boolean>[]) => sql<boolean>`(${sql.join(parts, sql` or `)})`;

/** The counted conversions of the plan's edges, as rows (key, orders, sales, commission[, extra]). */
function edgeRows(plan: RangePlan, key: RawBuilder<unknown>, campaignId?: string) {
  return sql`
    select ${key} as key, 1 as orders, c.converted_minor as sales, coalesce(c.commission_minor, 0) as commission
    from conversions c
    where c.account_id = ${plan.accountId} and c.counted and ${anyOf(plan.edges)}
      ${campaignId === undefined ? sql`` : sql`and c.campaign_id = ${campaignId}`}`;
}

/**
 * The counted conversions of the range summed per creator (within one campaign when given):
 * columns key, orders, sales, commission.
 */
export function creatorSums(plan: RangePlan, campaignId?: string) {
  const parts = [];
  const inCampaign = (alias: string) => (campaignId === undefined ? sql`` : sql`and ${sql.ref(`${alias}.campaign_id`)} = ${campaignId}`);
  if (plan.days) {
    const { months, days } = splitMonths(plan.days);
    if (months) {
      parts.push(sql`
        select r.creator_id as key, r.orders, r.sales, r.commission from rollup_member_months r
        where r.account_id = ${plan.accountId} and ${within('r.month', months)} ${inCampaign('r')}`);
    }
    if (days.length > 0) {
      parts.push(sql`
        select r.creator_id as key, r.orders, r.sales, r.commission from rollup_member_days r
        where r.account_id = ${plan.accountId} and ${anyOf(days.map((d) => within('r.day', d)))} ${inCampaign('r')}`);
    }
  }
  if (plan.edges.length > 0) parts.push(edgeRows(plan, sql.ref('c.creator_id'), campaignId));
  return summed(parts);
}

/** The counted conversions of the range summed per campaign: columns key, orders, sales, commission. */
export function campaignSums(plan: RangePlan) {
  const parts = [];
  if (plan.days) {
    parts.push(sql`
      select r.campaign_id as key, r.orders, r.sales, r.commission from rollup_campaign_days r
      where r.account_id = ${plan.accountId} and ${within('r.day', plan.days)}`);
  }
  if (plan.edges.length > 0) parts.push(edgeRows(plan, sql.ref('c.campaign_id')));
  return summed(parts);
}

function summed(parts: RawBuilder<unknown>[]) {
  if (parts.length === 0) {
    return sql`select null::bigint as key, 0::bigint as orders, 0::bigint as sales, 0::bigint as commission where false`;
  }
  return sql`
    select key, sum(orders) as orders, sum(sales) as sales, sum(commission) as commission
    from (${sql.join(parts, sql` union all `)}) parts
    group by key`;
}

/** Counted sales of the range per day in the account's time zone: columns day (text), sales. */
export function dailySales(plan: RangePlan) {
  const parts = [];
  if (plan.days) {
    parts.push(sql`
      select r.day, r.sales from rollup_campaign_days r
      where r.account_id = ${plan.accountId} and ${within('r.day', plan.days)}`);
  }
  if (plan.edges.length > 0) {
    parts.push(sql`
      select ${localDay(sql.ref('c.order_date'), plan.range.timeZone)} as day, c.converted_minor as sales
      from conversions c
      where c.account_id = ${plan.accountId} and c.counted and ${anyOf(plan.edges)}`);
  }
  if (parts.length === 0) return sql`select null::text as day, null::text as sales where false`;
  return sql`
    select day::text as day, sum(sales)::text as sales
    from (${sql.join(parts, sql` union all `)}) parts
    group by day`;
}

/**
 * How many countable conversions of the range are left out of the totals for a missing rate.
 * `countable` is the core's rule as a predicate over `c`.
 */
export function fxMissingCount(plan: RangePlan, countable: RawBuilder<boolean>) {
  const parts = [];
  if (plan.days) {
    parts.push(sql`
      select r.fx_missing as n from rollup_campaign_days r
      where r.account_id = ${plan.accountId} and ${within('r.day', plan.days)}`);
  }
  if (plan.edges.length > 0) {
    parts.push(sql`
      select 1 as n from conversions c
      where c.account_id = ${plan.accountId} and c.fx_missing and ${anyOf(plan.edges)} and ${countable}`);
  }
  if (parts.length === 0) return sql`select 0 as count`;
  return sql`select coalesce(sum(n), 0)::int as count from (${sql.join(parts, sql` union all `)}) parts`;
}
