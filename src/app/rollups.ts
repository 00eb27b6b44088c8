import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import { addDays, boundDay, dayCount, dayStart, inRange, localDay, type Range } from './range.ts';

// How a report range is read: its whole days from the rollups (migrations 0005 and 0007), and
// the part of a day cut by a timestamp bound from the conversions themselves. Campaign sums read
// whole months, then days, each piece disjoint from the others. Creator sums read years, months
// and days, and may read a whole year or month and take away the part outside the range when
// that reads fewer rows (March 2 to 31 as March less March 1). The sums are integers, so the
// pieces add up to the sum over the range's conversions exactly.

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

type Unit = 'month' | 'year';
const unitStart = (day: string, unit: Unit) => (unit === 'month' ? `${day.slice(0, 7)}-01` : `${day.slice(0, 4)}-01-01`);
function addUnits(start: string, unit: Unit, n: number): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + n);
  else d.setUTCFullYear(d.getUTCFullYear() + n);
  return d.toISOString().slice(0, 10);
}

/** The whole months or years (by their first day) within the span, and the spans of days around them. */
export function splitBy(span: DaySpan, unit: Unit): { whole: DaySpan | null; rest: DaySpan[] } {
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
export function splitSpan(span: DaySpan, units: readonly Unit[]): { years: DaySpan[]; months: DaySpan[]; days: DaySpan[] } {
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

/** The counted conversions of the plan's edges, as rows (key, orders, sales, commission[, extra]). */
function edgeRows(plan: RangePlan, key: RawBuilder<unknown>, campaignId?: string) {
  return sql`
    select ${key} as key, 1 as orders, c.converted_minor as sales, coalesce(c.commission_minor, 0) as commission
    from conversions c
    where c.account_id = ${plan.accountId} and c.counted and ${anyOf(plan.edges)}
      ${campaignId === undefined ? sql`` : sql`and c.campaign_id = ${campaignId}`}`;
}

type Grain = Unit | 'day';
/** Whole days, months or years (a span of their first days) of one rollup grain, added or taken away. */
export interface Piece {
  grain: Grain;
  span: DaySpan;
  sign: 1 | -1;
}

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

const NEXT: Record<Unit, Grain> = { year: 'month', month: 'day' };

// Rows read per creator: one per day, month or year of a piece (a piece cut from a span has
// both bounds).
function cost(pieces: readonly Piece[]): number {
  let n = 0;
  for (const { grain, span } of pieces) {
    const first = span.first as string;
    const last = span.last as string;
    if (grain === 'day') n += dayCount(first, last);
    else if (grain === 'month') n += (Number(last.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(last.slice(5, 7)) - Number(first.slice(5, 7)) + 1;
    else n += Number(last.slice(0, 4)) - Number(first.slice(0, 4)) + 1;
  }
  return n;
}

/**
 * A span of days as signed pieces of years, months and days whose sums add up to the span's:
 * whole units as they are, and a partial unit either read at the next grain or read whole with
 * the rest of it taken away, whichever reads fewer rows.
 */
export function signedPieces(span: DaySpan, grain: Grain = 'year', sign: 1 | -1 = 1): Piece[] {
  if (grain === 'day') return [{ grain, span, sign }];
  const next = NEXT[grain];
  const { head, whole, tail } = cut(span, grain);
  const pieces: Piece[] = whole ? [{ grain, span: whole, sign }] : [];
  for (const part of [head, tail]) {
    if (part === null) continue;
    const first = part.first as string;
    const last = part.last as string;
    const direct = signedPieces(part, next, sign);
    const start = unitStart(first, grain);
    const end = unitEnd(start, grain);
    const rest = [
      ...(first > start ? [{ first: start, last: addDays(first, -1) }] : []),
      ...(last < end ? [{ first: addDays(last, 1), last: end }] : []),
    ];
    const less: Piece[] = [{ grain, span: { first: start, last: start }, sign }, ...rest.flatMap((r) => signedPieces(r, next, sign === 1 ? -1 : 1))];
    pieces.push(...(cost(less) < cost(direct) ? less : direct));
  }
  return pieces;
}

const GRAIN_COLUMN: Record<Grain, string> = { year: 'year', month: 'month', day: 'day' };
const GRAIN_TABLE: Record<Grain, string> = { year: 'years', month: 'months', day: 'days' };

/**
 * The counted conversions of the range summed per creator: columns key, orders, sales,
 * commission. Across campaigns from the creator rollups (migration 0007); within one campaign,
 * when given, from the member rollups.
 */
export function creatorSums(plan: RangePlan, campaignId?: string) {
  const parts = [];
  if (plan.days) {
    const pieces = signedPieces(plan.days);
    for (const grain of ['year', 'month', 'day'] as const) {
      for (const sign of [1, -1] as const) {
        const spans = pieces.filter((p) => p.grain === grain && p.sign === sign).map((p) => p.span);
        if (spans.length === 0) continue;
        const table = sql.table(`rollup_${campaignId === undefined ? 'creator' : 'member'}_${GRAIN_TABLE[grain]}`);
        const minus = sql.raw(sign === 1 ? '' : '-');
        parts.push(sql`
          select r.creator_id as key, ${minus}r.orders as orders, ${minus}r.sales as sales, ${minus}r.commission as commission
          from ${table} r
          where r.account_id = ${plan.accountId} and ${anyOf(spans.map((d) => within(`r.${GRAIN_COLUMN[grain]}`, d)))}
            ${campaignId === undefined ? sql`` : sql`and r.campaign_id = ${campaignId}`}`);
      }
    }
  }
  if (plan.edges.length > 0) parts.push(edgeRows(plan, sql.ref('c.creator_id'), campaignId));
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
  const parts = campaignRows(plan, sql`r.campaign_id as key, r.orders, r.sales, r.commission`);
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
      select r.day, r.sales from rollup_account_days r
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
  const parts = campaignRows(plan, sql`r.fx_missing as n`);
  if (plan.edges.length > 0) {
    parts.push(sql`
      select 1 as n from conversions c
      where c.account_id = ${plan.accountId} and c.fx_missing and ${anyOf(plan.edges)} and ${countable}`);
  }
  if (parts.length === 0) return sql`select 0 as count`;
  return sql`select coalesce(sum(n), 0)::int as count from (${sql.join(parts, sql` union all `)}) parts`;
}
