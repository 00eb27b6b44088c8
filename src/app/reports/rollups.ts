import { type RawBuilder, sql } from 'kysely';
import { addDays, CREATOR_GRAINS, type DaySpan, type Grain, MEMBER_GRAINS, signedPieces, splitSpan } from '../../core/day-spans.ts';
import type { Db } from '../../db/connect.ts';
import { boundDay, dayStart, localDay, type Range } from './range.ts';

// How a report range is read: its whole days from the rollups (migrations 0005, 0007 and 0010),
// and the part of a day cut by a timestamp bound from the conversions themselves, or, for sums
// per campaign, as whole UTC hours from the campaign hour rollup and only the minutes around
// them from the conversions. Campaign sums read whole months, then days, each piece disjoint
// from the others. Creator sums read signed pieces of years, quarters, months, weeks and days,
// and may read a whole year, quarter, month or week and take away the part outside the range
// when that reads fewer rows (March 2 to 31 as March less March 1). The sums are integers, so
// the pieces add up to the sum over the range's conversions exactly.

/** Instants `[from, to)`, as ISO text in UTC to the microsecond. */
export interface Interval {
  from: string;
  to: string;
}

export interface RangePlan {
  readonly accountId: string;
  readonly range: Range;
  /** The whole days of the range, or null when it has none. */
  readonly days: DaySpan | null;
  /** The rest of the range (the parts of days cut by a timestamp bound), disjoint, each within one day. */
  readonly edges: readonly Interval[];
  /** The whole UTC hours of the edges, by the first and last hour's start. */
  readonly hours: readonly Interval[];
  /** The edges less their whole hours. */
  readonly minutes: readonly Interval[];
}

// ISO text in UTC to the microsecond: compares as the instants do, and reads back exactly.
const iso = (instant: RawBuilder<unknown>) => sql<string>`to_char(${instant} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const hourOf = (at: string) => `${at.slice(0, 13)}:00:00.000000Z`;
const addHours = (hour: string, n: number) => `${new Date(Date.parse(hour) + n * 3_600_000).toISOString().slice(0, 19)}.000000Z`;

/** An edge split into its whole hours and the minutes before and after them. */
function splitHours(edge: Interval, hours: Interval[], minutes: Interval[]): void {
  const start = hourOf(edge.from) === edge.from ? edge.from : addHours(hourOf(edge.from), 1);
  const end = hourOf(edge.to);
  if (start >= end) {
    minutes.push(edge);
    return;
  }
  hours.push({ from: start, to: addHours(end, -1) });
  if (edge.from < start) minutes.push({ from: edge.from, to: start });
  if (end < edge.to) minutes.push({ from: end, to: edge.to });
}

/** Splits a range into whole days and partial edges; one short query when a bound is a timestamp. */
export async function planRange(db: Db, accountId: string, range: Range): Promise<RangePlan> {
  const { from, to, timeZone } = range;
  if (from?.kind !== 'instant' && to?.kind !== 'instant') {
    return { accountId, range, days: { first: from?.day ?? null, last: to?.day ?? null }, edges: [], hours: [], minutes: [] };
  }
  // The bounds' days, and the instants the edges run between: a timestamp `from` to the end of
  // its day, and the start of a timestamp `to`'s day to just after it (`to` is inclusive).
  const fromDay = boundDay(from, timeZone);
  const toDay = boundDay(to, timeZone);
  const toAt =
    to === null
      ? null
      : to.kind === 'instant'
        ? sql`(${to.at}::timestamptz + interval '1 microsecond')`
        : sql`((${to.day}::date + 1)::timestamp at time zone ${timeZone})`;
  const { rows } = await sql<{
    from: string | null;
    to: string | null;
    fromAt: string | null;
    fromEnd: string | null;
    toStart: string | null;
    toAt: string | null;
  }>`
    select ${fromDay}::text as "from", ${toDay}::text as "to",
      ${from === null ? sql`null` : iso(from.kind === 'instant' ? sql`${from.at}::timestamptz` : dayStart(from.day, timeZone))} as "fromAt",
      ${iso(sql`((${fromDay} + 1)::timestamp at time zone ${timeZone})`)} as "fromEnd",
      ${iso(sql`(${toDay}::timestamp at time zone ${timeZone})`)} as "toStart",
      ${toAt === null ? sql`null` : iso(toAt)} as "toAt"`.execute(db);
  const b = rows[0];
  if (!b) throw new Error('the range bounds are missing');
  const first = from === null ? null : from.kind === 'day' ? from.day : addDays(b.from as string, 1);
  const last = to === null ? null : to.kind === 'day' ? to.day : addDays(b.to as string, -1);
  const edges: Interval[] = [];
  let days: DaySpan | null = { first, last };
  if (first !== null && last !== null && first > last) {
    // No whole day: the range lies within a day or two, an edge in each (so that an edge's
    // whole hours lie within one day of the zone, whatever its offset).
    days = null;
    if ((b.from as string) < (b.to as string)) {
      edges.push({ from: b.fromAt as string, to: b.fromEnd as string }, { from: b.toStart as string, to: b.toAt as string });
    } else {
      edges.push({ from: b.fromAt as string, to: b.toAt as string });
    }
  } else {
    if (from?.kind === 'instant') edges.push({ from: b.fromAt as string, to: b.fromEnd as string });
    if (to?.kind === 'instant') edges.push({ from: b.toStart as string, to: b.toAt as string });
  }
  const hours: Interval[] = [];
  const minutes: Interval[] = [];
  for (const edge of edges) splitHours(edge, hours, minutes);
  return { accountId, range, days, edges, hours, minutes };
}

/** Whether `c.order_date` falls in one of the intervals. */
const inIntervals = (intervals: readonly Interval[]) =>
  sql<boolean>`(${sql.join(
    intervals.map((i) => sql`(c.order_date >= ${i.from}::timestamptz and c.order_date < ${i.to}::timestamptz)`),
    sql` or `,
  )})`;

function within(column: string, span: DaySpan): RawBuilder<boolean> {
  const ref = sql.ref(column);
  const parts = [
    ...(span.first === null ? [] : [sql<boolean>`${ref} >= ${span.first}::date`]),
    ...(span.last === null ? [] : [sql<boolean>`${ref} <= ${span.last}::date`]),
  ];
  return parts.length === 0 ? sql<boolean>`true` : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}

const anyOf = (parts: readonly RawBuilder<boolean>[]) => sql<boolean>`(${sql.join(parts, sql` or `)})`;

/** The counted conversions of some of the plan's instants, as rows (key, orders, sales, commission). */
function conversionRows(plan: RangePlan, intervals: readonly Interval[], key: RawBuilder<unknown>, campaignId?: string) {
  // One branch per interval: each is then one range of the counted conversions' covering index
  // (migration 0011), read from the index alone, where an OR of ranges reads the table.
  return sql.join(
    intervals.map(
      (interval) => sql`
    select ${key} as key, 1 as orders, c.converted_minor as sales, coalesce(c.commission_minor, 0) as commission
    from conversions c
    where c.account_id = ${plan.accountId} and c.counted and ${inIntervals([interval])}
      ${campaignId === undefined ? sql`` : sql`and c.campaign_id = ${campaignId}`}`,
    ),
    sql` union all `,
  );
}

/** The campaign hour rollup rows of the plan's whole hours. */
function hourRows(plan: RangePlan, columns: RawBuilder<unknown>) {
  if (plan.hours.length === 0) return [];
  return [
    sql`
    select ${columns} from rollup_campaign_hours r
    where r.account_id = ${plan.accountId}
      and (${sql.join(
        plan.hours.map((h) => sql`(r.hour >= ${h.from}::timestamptz and r.hour <= ${h.to}::timestamptz)`),
        sql` or `,
      )})`,
  ];
}

const GRAIN_TABLE: Record<Grain, string> = { year: 'years', quarter: 'quarters', month: 'months', week: 'weeks', day: 'days' };

/**
 * The counted conversions of the range summed per creator: columns key, orders, sales,
 * commission. Across campaigns from the creator rollups (migrations 0007 and 0010); within one
 * campaign, when given, from the member rollups.
 */
export function creatorSums(plan: RangePlan, campaignId?: string) {
  const parts = [];
  if (plan.days) {
    const grains = campaignId === undefined ? CREATOR_GRAINS : MEMBER_GRAINS;
    const pieces = signedPieces(plan.days, grains);
    for (const grain of grains) {
      for (const sign of [1, -1] as const) {
        const spans = pieces.filter((p) => p.grain === grain && p.sign === sign).map((p) => p.span);
        if (spans.length === 0) continue;
        const table = sql.table(`rollup_${campaignId === undefined ? 'creator' : 'member'}_${GRAIN_TABLE[grain]}`);
        const minus = sql.raw(sign === 1 ? '' : '-');
        parts.push(sql`
          select r.creator_id as key, ${minus}r.orders as orders, ${minus}r.sales as sales, ${minus}r.commission as commission
          from ${table} r
          where r.account_id = ${plan.accountId} and ${anyOf(spans.map((d) => within(`r.${grain}`, d)))}
            ${campaignId === undefined ? sql`` : sql`and r.campaign_id = ${campaignId}`}`);
      }
    }
  }
  if (plan.edges.length > 0) parts.push(conversionRows(plan, plan.edges, sql.ref('c.creator_id'), campaignId));
  return summed(parts);
}

/** The campaign rollup rows of the plan's whole days: whole months from the monthly one. */
function campaignRows(plan: RangePlan, columns: RawBuilder<unknown>) {
  if (!plan.days) return [];
  const { months, days } = splitSpan(plan.days, ['month']);
  const parts = [];
  if (months.length > 0) {
    parts.push(sql`
      select ${columns} from rollup_campaign_months r
      where r.account_id = ${plan.accountId} and ${anyOf(months.map((m) => within('r.month', m)))}`);
  }
  if (days.length > 0) {
    parts.push(sql`
      select ${columns} from rollup_campaign_days r
      where r.account_id = ${plan.accountId} and ${anyOf(days.map((d) => within('r.day', d)))}`);
  }
  return parts;
}

/** The counted conversions of the range summed per campaign: columns key, orders, sales, commission. */
export function campaignSums(plan: RangePlan) {
  const columns = sql`r.campaign_id as key, r.orders, r.sales, r.commission`;
  const parts = [...campaignRows(plan, columns), ...hourRows(plan, columns)];
  if (plan.minutes.length > 0) parts.push(conversionRows(plan, plan.minutes, sql.ref('c.campaign_id')));
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
      select r.day, r.sales from rollup_account_days r
      where r.account_id = ${plan.accountId} and ${within('r.day', plan.days)}`);
  }
  // A whole hour of an edge lies within one day of the account's zone: the day of its start.
  parts.push(...hourRows(plan, sql`${localDay(sql.ref('r.hour'), plan.range.timeZone)} as day, r.sales`));
  if (plan.minutes.length > 0) {
    parts.push(sql`
      select ${localDay(sql.ref('c.order_date'), plan.range.timeZone)} as day, c.converted_minor as sales
      from conversions c
      where c.account_id = ${plan.accountId} and c.counted and ${inIntervals(plan.minutes)}`);
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
  // The edges from the conversions by their partial index on fx_missing: few rows.
  const parts = campaignRows(plan, sql`r.fx_missing as n`);
  if (plan.edges.length > 0) {
    parts.push(sql`
      select 1 as n from conversions c
      where c.account_id = ${plan.accountId} and c.fx_missing and ${inIntervals(plan.edges)} and ${countable}`);
  }
  if (parts.length === 0) return sql`select 0 as count`;
  return sql`select coalesce(sum(n), 0)::int as count from (${sql.join(parts, sql` union all `)}) parts`;
}
