import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { addDays, boundDay, dayCount, dayStart, localDay, type Range } from './range.ts';

// How a report range is read: its whole days from the rollups (migrations 0005, 0007 and 0010),
// and the part of a day cut by a timestamp bound from the conversions themselves, or, for sums
// per campaign, as whole UTC hours from the campaign hour rollup and only the minutes around
// them from the conversions. Campaign sums read whole months, then days, each piece disjoint
// from the others. Creator sums read signed pieces of years, quarters, months, weeks and days,
// and may read a whole year, quarter, month or week and take away the part outside the range
// when that reads fewer rows (March 2 to 31 as March less March 1). The sums are integers, so
// the pieces add up to the sum over the range's conversions exactly.

/** Inclusive days; a null bound is open. */
export interface DaySpan {
  first: string | null;
  last: string | null;
}

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
  const { rows } = await sql<{ from: string | null; to: string | null; fromAt: string | null; fromEnd: string | null; toStart: string | null; toAt: string | null }>`
    select ${fromDay}::text as "from", ${toDay}::text as "to",
      ${from === null ? sql`null` : iso(from.kind === 'instant' ? sql`${from.at}::timestamptz` : dayStart(from.day, timeZone))} as "fromAt",
      ${iso(sql`((${fromDay} + 1)::timestamp at time zone ${timeZone})`)} as "fromEnd",
      ${iso(sql`(${toDay}::timestamp at time zone ${timeZone})`)} as "toStart",
      ${to === null ? sql`null` : iso(to.kind === 'instant' ? sql`(${to.at}::timestamptz + interval '1 microsecond')` : sql`((${to.day}::date + 1)::timestamp at time zone ${timeZone})`)} as "toAt"`.execute(db);
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
  sql<boolean>`(${sql.join(intervals.map((i) => sql`(c.order_date >= ${i.from}::timestamptz and c.order_date < ${i.to}::timestamptz)`), sql` or `)})`;

type Unit = 'year' | 'quarter' | 'month' | 'week';
const MONTHS: Partial<Record<Unit, number>> = { year: 12, quarter: 3, month: 1 };
/** The first day of the year, quarter, month or week (from Monday, as ISO weeks) holding `day`. */
function unitStart(day: string, unit: Unit): string {
  if (unit === 'week') return addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
  const months = MONTHS[unit] as number;
  const month = Math.floor((Number(day.slice(5, 7)) - 1) / months) * months + 1;
  return `${day.slice(0, 4)}-${String(month).padStart(2, '0')}-01`;
}
function addUnits(start: string, unit: Unit, n: number): string {
  if (unit === 'week') return addDays(start, 7 * n);
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n * (MONTHS[unit] as number));
  return d.toISOString().slice(0, 10);
}

/** The whole months or years (by their first day) within the span, and the spans of days around them. */
export function splitBy(span: DaySpan, unit: 'month' | 'year'): { whole: DaySpan | null; rest: DaySpan[] } {
  const { first, last } = span;
  const firstUnit = first === null ? null : first === unitStart(first, unit) ? first : addUnits(unitStart(first, unit), unit, 1);
  const lastUnit = last === null ? null : addDays(last, 1) === unitStart(addDays(last, 1), unit) ? unitStart(last, unit) : addUnits(unitStart(last, unit), unit, -1);
  if (firstUnit !== null && lastUnit !== null && firstUnit > lastUnit) return { whole: null, rest: [span] };
  const rest: DaySpan[] = [];
  if (first !== null && firstUnit !== null && first < firstUnit) rest.push({ first, last: addDays(firstUnit, -1) });
  if (last !== null && lastUnit !== null) {
    const after = addUnits(lastUnit, unit, 1);
    if (last >= after) rest.push({ first: after, last });
  }
  return { whole: { first: firstUnit, last: lastUnit }, rest };
}

/** A span of days as whole years, whole months and days, each read from its own rollup. */
export function splitSpan(span: DaySpan, units: ReadonlyArray<'month' | 'year'>): { years: DaySpan[]; months: DaySpan[]; days: DaySpan[] } {
  const out = { years: [] as DaySpan[], months: [] as DaySpan[], days: [] as DaySpan[] };
  let rest = [span];
  for (const unit of units) {
    const next: DaySpan[] = [];
    for (const part of rest) {
      const { whole, rest: around } = splitBy(part, unit);
      if (whole) out[unit === 'year' ? 'years' : 'months'].push(whole);
      next.push(...around);
    }
    rest = next;
  }
  out.days = rest;
  return out;
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
  return [sql`
    select ${columns} from rollup_campaign_hours r
    where r.account_id = ${plan.accountId}
      and (${sql.join(plan.hours.map((h) => sql`(r.hour >= ${h.from}::timestamptz and r.hour <= ${h.to}::timestamptz)`), sql` or `)})`];
}

export type Grain = Unit | 'day';
/** Whole days, weeks, months, quarters or years (a span of their first days) of one rollup grain, added or taken away. */
export interface Piece {
  grain: Grain;
  span: DaySpan;
  sign: 1 | -1;
}

/** The grains of the creator rollups (migrations 0007 and 0010), coarsest first. */
export const CREATOR_GRAINS: readonly Grain[] = ['year', 'quarter', 'month', 'week', 'day'];
/** The grains of the member rollups (migration 0005). */
export const MEMBER_GRAINS: readonly Grain[] = ['year', 'month', 'day'];

const unitEnd = (start: string, unit: Unit) => addDays(addUnits(start, unit, 1), -1);

/** A span cut into the partial unit at each end and the whole units between (spans of their first days). */
function cut(span: DaySpan, unit: Unit): { head: DaySpan | null; whole: DaySpan | null; tail: DaySpan | null } {
  const { first, last } = span;
  const firstWhole = first === null ? null : first === unitStart(first, unit) ? first : addUnits(unitStart(first, unit), unit, 1);
  const lastWhole = last === null ? null : addDays(last, 1) === unitStart(addDays(last, 1), unit) ? unitStart(last, unit) : addUnits(unitStart(last, unit), unit, -1);
  if (first !== null && last !== null && firstWhole !== null && lastWhole !== null && firstWhole > lastWhole) {
    // No whole unit: the span lies within one unit, or across the boundary of two.
    const lastUnit = unitStart(last, unit);
    if (unitStart(first, unit) === lastUnit) return { head: span, whole: null, tail: null };
    return { head: { first, last: addDays(lastUnit, -1) }, whole: null, tail: { first: lastUnit, last } };
  }
  return {
    head: first !== null && firstWhole !== null && first < firstWhole ? { first, last: addDays(firstWhole, -1) } : null,
    whole: { first: firstWhole, last: lastWhole },
    tail: last !== null && lastWhole !== null && last > unitEnd(lastWhole, unit) ? { first: addUnits(lastWhole, unit, 1), last } : null,
  };
}

// Rows read per creator: one per day, week, month, quarter or year of a piece (a piece cut
// from a span has both bounds).
function cost(pieces: readonly Piece[]): number {
  let n = 0;
  for (const { grain, span } of pieces) {
    const first = span.first as string;
    const last = span.last as string;
    if (grain === 'day') n += dayCount(first, last);
    else if (grain === 'week') n += (dayCount(first, last) - 1) / 7 + 1;
    else {
      const months = (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7));
      n += months / (MONTHS[grain] as number) + 1;
    }
  }
  return n;
}

/**
 * A span of days as signed pieces of the given grains (coarsest first, ending with days) whose
 * sums add up to the span's: whole units as they are, and a partial unit either read at the
 * next grain or read whole with the rest of it taken away, whichever reads fewer rows. A week
 * may cross a month's edge: the pieces are sets of days, and only their signed sum matters.
 */
export function signedPieces(span: DaySpan, grains: readonly Grain[] = CREATOR_GRAINS, sign: 1 | -1 = 1): Piece[] {
  const grain = grains[0] as Grain;
  if (grain === 'day') return [{ grain, span, sign }];
  const finer = grains.slice(1);
  const { head, whole, tail } = cut(span, grain);
  const pieces: Piece[] = whole ? [{ grain, span: whole, sign }] : [];
  for (const part of [head, tail]) {
    if (part === null) continue;
    const first = part.first as string;
    const last = part.last as string;
    const direct = signedPieces(part, finer, sign);
    const start = unitStart(first, grain);
    const end = unitEnd(start, grain);
    const rest = [
      ...(first > start ? [{ first: start, last: addDays(first, -1) }] : []),
      ...(last < end ? [{ first: addDays(last, 1), last: end }] : []),
    ];
    const less: Piece[] = [{ grain, span: { first: start, last: start }, sign }, ...rest.flatMap((r) => signedPieces(r, finer, sign === 1 ? -1 : 1))];
    pieces.push(...(cost(less) < cost(direct) ? less : direct));
  }
  return pieces;
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
